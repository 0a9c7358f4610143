import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { deleteKey } from '../core/application-keys';

export const handler = defineRoute(routes.deleteKey, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  await deleteKey(params.orgId, params.applicationId, params.keyId, personActor(principal));
  return noContent();
});
