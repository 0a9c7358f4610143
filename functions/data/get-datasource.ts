import { v2DatasourceRoutes } from '../routes/v2-datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { getDatasource } from '../core/datasources/datasources';
import { NotFoundError } from '../core/platform/errors';
import { toV2DatasourceDetails } from '../core/clarity/v2-datasources';
import { readableDatasources } from '../core/orgs/roles';

export const handler = defineRoute(v2DatasourceRoutes.v2GetDatasource, async ({ params, org, grant }) => {
  const visible = readableDatasources(grant.roles, grant.datasourceIds);
  const datasource =
    visible === 'all' || visible.has(params.datasourceId) ? await getDatasource(org, params.datasourceId) : undefined;
  if (!datasource) throw new NotFoundError('No such datasource in this org.');
  return ok(toV2DatasourceDetails(datasource));
});
