import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { deleteApplication } from '../core/applications';

export const handler = defineRoute(routes.deleteApplication, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  await deleteApplication(params.orgId, params.applicationId, personActor(principal));
  return noContent();
});
