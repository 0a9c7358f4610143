import { peopleRoutes } from '../routes/people';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { acceptInvitation, toPersonView } from '../core/orgs/people';

export const handler = defineRoute(peopleRoutes.acceptInvitation, async ({ params, actor }) =>
  ok(toPersonView(await acceptInvitation(params.orgId, actor.id))),
);
