import { connectionRoutes } from '../routes/connections';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/store/table';
import { listConnectionsOf } from '../core/applications';

export const handler = defineRoute(connectionRoutes.listConnections, async ({ params, query }) => {
  const page = await readListing((limit, nextToken) => listConnectionsOf(params.orgId, limit, nextToken), query);
  return ok({ connections: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
