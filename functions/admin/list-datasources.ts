import { datasourceRoutes } from '../routes/datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/store/table';
import { listVisibleDatasources } from '../core/datasources/datasources';
import { latestReadings } from '../core/measurements/datasource-readings';
import { readableDatasources } from '../core/orgs/roles';

export const handler = defineRoute(datasourceRoutes.listDatasources, async ({ params, query, membership }) => {
  const visible = readableDatasources(membership.roles, membership.datasourceIds);
  const page = await readListing((limit, nextToken) => listVisibleDatasources(params.orgId, visible, limit, nextToken), query);
  const latest =
    query.include === 'latestReading' ? await latestReadings(page.items.map((item) => item.datasourceId)) : undefined;
  const datasources = page.items.map((datasource) => {
    const reading = latest?.get(datasource.datasourceId);
    return reading ? { ...datasource, latestReading: reading } : datasource;
  });
  return ok({ datasources, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
