import { peopleRoutes } from '../routes/people';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { removePerson } from '../core/orgs/people';

export const handler = defineRoute(peopleRoutes.removePerson, async ({ params, actor }) => {
  await removePerson(params.orgId, params.email, actor);
  return noContent();
});
