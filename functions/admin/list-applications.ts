import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/table';
import { requireOrgPermission } from '../core/access';
import { listApplicationsOwnedBy } from '../core/applications';

export const handler = defineRoute(routes.listApplications, async ({ params, query, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  const page = await readListing((limit, nextToken) => listApplicationsOwnedBy(params.orgId, limit, nextToken), query);
  return ok({ applications: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
