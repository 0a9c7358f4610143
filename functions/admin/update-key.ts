import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { updateKey } from '../core/application-keys';

export const handler = defineRoute(routes.updateKey, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return ok(await updateKey(params.orgId, params.applicationId, params.keyId, body, personActor(principal)));
});
