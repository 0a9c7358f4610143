import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireReadableDatasources } from '../core/access';
import { getDatasource } from '../core/datasources';
import { NotFoundError } from '../core/errors';
import { toV2DatasourceDetails } from './v2-datasources';

export const handler = defineRoute(routes.v2GetDatasource, async ({ params, query, principal }) => {
  const visible = await requireReadableDatasources(principal, query.org);
  const datasource =
    visible === 'all' || visible.has(params.datasourceId) ? await getDatasource(query.org, params.datasourceId) : undefined;
  if (!datasource) throw new NotFoundError('No such datasource in this org.');
  return ok(toV2DatasourceDetails(datasource));
});
