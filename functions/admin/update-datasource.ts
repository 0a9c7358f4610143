import { datasourceRoutes } from '../routes/datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { updateDatasourceAnnotations } from '../core/datasources/datasources';

export const handler = defineRoute(datasourceRoutes.updateDatasource, async ({ params, body, actor }) => {
  return ok(await updateDatasourceAnnotations(params.orgId, params.datasourceId, body, actor));
});
