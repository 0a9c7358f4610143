import { peopleRoutes } from '../routes/people';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { assertDatasourcesExist } from '../core/datasources/datasources';
import { changePersonRoles, toPersonView } from '../core/orgs/people';

export const handler = defineRoute(peopleRoutes.updatePerson, async ({ params, body, actor }) => {
  await assertDatasourcesExist(params.orgId, body.datasourceIds);
  return ok(toPersonView(await changePersonRoles(params.orgId, params.email, body, actor)));
});
