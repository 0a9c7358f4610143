import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { verifiedEmail } from '../core/access';
import { createOrg } from '../core/orgs';

export const handler = defineRoute(routes.createOrg, async ({ body, principal }) => {
  const { orgId, name, createdAt } = await createOrg(body.name, verifiedEmail(principal));
  return created({ orgId, name, createdAt });
});
