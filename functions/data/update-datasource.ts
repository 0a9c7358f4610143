import { v2DatasourceRoutes } from '../routes/v2-datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { updateDatasourceAnnotations } from '../core/datasources/datasources';
import { toV2Datasource } from '../core/clarity/v2-datasources';

export const handler = defineRoute(v2DatasourceRoutes.v2UpdateDatasource, async ({ params, query, body, actor }) => {
  const datasource = await updateDatasourceAnnotations(query.org, params.datasourceId, body.orgAnnotations, actor);
  return ok(toV2Datasource(datasource));
});
