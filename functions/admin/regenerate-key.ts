import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { regenerateKey } from '../core/application-keys';

export const handler = defineRoute(routes.regenerateKey, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return created(
    await regenerateKey(params.orgId, params.applicationId, params.keyId, body.graceSeconds, personActor(principal)),
  );
});
