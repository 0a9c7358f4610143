import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { assertDatasourcesExist } from '../core/datasources';
import { invitePerson, toPersonView } from '../core/people';

export const handler = defineRoute(routes.invitePerson, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  await assertDatasourcesExist(params.orgId, body.datasourceIds);
  return created(toPersonView(await invitePerson(params.orgId, body, personActor(principal))));
});
