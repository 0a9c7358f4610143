import { auditRoutes } from '../routes/audit';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { listAuditEvents } from '../core/orgs/audit';

export const handler = defineRoute(auditRoutes.listAuditEvents, async ({ params, query }) => {
  const page = await listAuditEvents(params.orgId, query.limit, query.nextToken);
  return ok({ events: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
});
