import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { renameApplication } from '../core/applications';

export const handler = defineRoute(routes.updateApplication, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return ok(await renameApplication(params.orgId, params.applicationId, body.name, personActor(principal)));
});
