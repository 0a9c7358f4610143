import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { createKey } from '../core/application-keys';

export const handler = defineRoute(routes.createKey, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return created(await createKey(params.orgId, params.applicationId, body, personActor(principal)));
});
