import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { verifiedEmail } from '../core/access';
import { listOrgsOf } from '../core/orgs';

export const handler = defineRoute(routes.listOrgs, async ({ principal }) =>
  ok({ orgs: await listOrgsOf(verifiedEmail(principal)) }),
);
