import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { assertDatasourcesExist } from '../core/datasources';
import { changePersonRoles, toPersonView } from '../core/people';

export const handler = defineRoute(routes.updatePerson, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  await assertDatasourcesExist(params.orgId, body.datasourceIds);
  return ok(toPersonView(await changePersonRoles(params.orgId, params.email, body, personActor(principal))));
});
