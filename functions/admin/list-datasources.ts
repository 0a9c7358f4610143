import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/table';
import { requireOrgPermission } from '../core/access';
import { listVisibleDatasources } from '../core/datasources';
import { readableDatasources } from '../core/roles';

export const handler = defineRoute(routes.listDatasources, async ({ params, query, principal }) => {
  const membership = await requireOrgPermission(principal, params.orgId, 'readListedDatasources');
  const visible = readableDatasources(membership.roles, membership.datasourceIds);
  const page = await readListing((limit, nextToken) => listVisibleDatasources(params.orgId, visible, limit, nextToken), query);
  return ok({ datasources: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
