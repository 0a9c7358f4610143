import { orgRoutes } from '../routes/orgs';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { renameOrg } from '../core/orgs/orgs';

export const handler = defineRoute(orgRoutes.updateOrg, async ({ params, body, actor }) => {
  const { orgId, name, createdAt } = await renameOrg(params.orgId, body.name, actor);
  return ok({ orgId, name, createdAt });
});
