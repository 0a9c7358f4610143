import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireOrgPermission } from '../core/access';
import { listAuditEvents } from '../core/audit';

export const handler = defineRoute(routes.listAuditEvents, async ({ params, query, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  const page = await listAuditEvents(params.orgId, query.limit, query.nextToken);
  return ok({ events: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
