import { datasourceRoutes } from '../routes/datasources';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { createDatasource } from '../core/datasources/datasources';

export const handler = defineRoute(datasourceRoutes.createDatasource, async ({ params, body, actor }) => {
  return created(await createDatasource(params.orgId, body, actor));
});
