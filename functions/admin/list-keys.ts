import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireOrgPermission } from '../core/access';
import { listKeys } from '../core/application-keys';

export const handler = defineRoute(routes.listKeys, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return ok({ keys: await listKeys(params.orgId, params.applicationId) });
});
