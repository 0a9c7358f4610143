import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { verifiedEmail } from '../core/access';
import { listInvitationsOf } from '../core/orgs';

export const handler = defineRoute(routes.listInvitations, async ({ principal }) =>
  ok({ invitations: await listInvitationsOf(verifiedEmail(principal)) }),
);
