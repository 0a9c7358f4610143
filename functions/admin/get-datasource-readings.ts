import { datasourceRoutes } from '../routes/datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { NotFoundError } from '../core/platform/errors';
import { getDatasource } from '../core/datasources/datasources';
import { hourlyReadings } from '../core/measurements/datasource-readings';
import { readableDatasources } from '../core/orgs/roles';

export const handler = defineRoute(datasourceRoutes.getDatasourceReadings, async ({ params, query, membership }) => {
  const visible = readableDatasources(membership.roles, membership.datasourceIds);
  const datasource =
    visible === 'all' || visible.has(params.datasourceId) ? await getDatasource(params.orgId, params.datasourceId) : undefined;
  if (!datasource) throw new NotFoundError('No such datasource in this org.');
  return ok(await hourlyReadings(datasource.datasourceId, query.hours));
});
