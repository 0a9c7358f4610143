import { peopleRoutes } from '../routes/people';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { listPeople, toPersonView } from '../core/orgs/people';

export const handler = defineRoute(peopleRoutes.listPeople, async ({ params }) => {
  return ok({ people: (await listPeople(params.orgId)).map(toPersonView) });
});
