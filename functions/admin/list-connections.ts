import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/table';
import { requireOrgPermission } from '../core/access';
import { listConnectionsOf } from '../core/application-connections';

export const handler = defineRoute(routes.listConnections, async ({ params, query, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  const page = await readListing((limit, nextToken) => listConnectionsOf(params.orgId, limit, nextToken), query);
  return ok({ connections: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
