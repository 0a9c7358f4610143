import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { disconnectApplication } from '../core/application-connections';

export const handler = defineRoute(routes.deleteConnection, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  await disconnectApplication(params.orgId, params.applicationId, personActor(principal));
  return noContent();
});
