import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { removePerson } from '../core/people';

export const handler = defineRoute(routes.removePerson, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  await removePerson(params.orgId, params.email, personActor(principal));
  return noContent();
});
