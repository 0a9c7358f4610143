import { peopleRoutes } from '../routes/people';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { listInvitationsOf } from '../core/orgs/orgs';

export const handler = defineRoute(peopleRoutes.listInvitations, async ({ actor }) =>
  ok({ invitations: await listInvitationsOf(actor.id) }),
);
