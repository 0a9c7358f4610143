import { orgRoutes } from '../routes/orgs';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { createOrg } from '../core/orgs/orgs';

export const handler = defineRoute(orgRoutes.createOrg, async ({ body, actor }) => {
  const { orgId, name, createdAt } = await createOrg(body.name, actor.id);
  return created({ orgId, name, createdAt });
});
