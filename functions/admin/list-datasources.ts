import { datasourceRoutes } from '../routes/datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/store/table';
import { listVisibleDatasources } from '../core/datasources/datasources';
import { readableDatasources } from '../core/orgs/roles';

export const handler = defineRoute(datasourceRoutes.listDatasources, async ({ params, query, membership }) => {
  const visible = readableDatasources(membership.roles, membership.datasourceIds);
  const page = await readListing((limit, nextToken) => listVisibleDatasources(params.orgId, visible, limit, nextToken), query);
  return ok({ datasources: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
