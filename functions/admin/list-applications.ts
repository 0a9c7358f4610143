import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readListing } from '../core/store/table';
import { listApplicationSummariesOwnedBy } from '../core/applications';

export const handler = defineRoute(applicationRoutes.listApplications, async ({ params, query }) => {
  const page = await readListing((limit, nextToken) => listApplicationSummariesOwnedBy(params.orgId, limit, nextToken), query);
  return ok({ applications: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
