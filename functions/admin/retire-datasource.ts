import { datasourceRoutes } from '../routes/datasources';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { retireDatasource } from '../core/datasources/datasources';

export const handler = defineRoute(datasourceRoutes.retireDatasource, async ({ params, actor }) => {
  await retireDatasource(params.orgId, params.datasourceId, actor);
  return noContent();
});
