import * as admin from './admin-schemas';
import { routeTable } from '../core/http/route';

/** An org's audit log. */
export const auditRoutes = routeTable({
  listAuditEvents: {
    operationId: 'listAuditEvents',
    method: 'GET',
    path: '/admin/orgs/{orgId}/audit-events',
    handler: 'admin/list-audit-events',
    credential: 'person',
    permission: 'manageOrg',
    tableAccess: 'read',
    summary: "The org's audit log, newest first",
    description:
      '`limit` 1-100 (default 50); `nextToken` from the previous page. A token only ever pages within the org it was issued for.',
    who: 'admin',
    params: admin.orgParamsSchema,
    query: admin.auditQuerySchema,
    responses: { 200: { description: 'One page of events.', schema: admin.auditListSchema } },
    errors: [400, 403, 404],
  },
});
