import { peopleRoutes } from '../routes/people';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { assertDatasourcesExist } from '../core/datasources/datasources';
import { invitePerson, toPersonView } from '../core/orgs/people';

export const handler = defineRoute(peopleRoutes.invitePerson, async ({ params, body, actor }) => {
  await assertDatasourcesExist(params.orgId, body.datasourceIds);
  return created(toPersonView(await invitePerson(params.orgId, body, actor)));
});
