import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { verifiedEmail } from '../core/access';
import { acceptInvitation, toPersonView } from '../core/people';

export const handler = defineRoute(routes.acceptInvitation, async ({ params, principal }) =>
  ok(toPersonView(await acceptInvitation(params.orgId, verifiedEmail(principal)))),
);
