import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireOrgPermission } from '../core/access';
import { describeApplication } from '../core/applications';

export const handler = defineRoute(routes.getApplication, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return ok(await describeApplication(params.orgId, params.applicationId));
});
