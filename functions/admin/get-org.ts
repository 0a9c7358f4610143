import { orgRoutes } from '../routes/orgs';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { NotFoundError } from '../core/platform/errors';
import { getOrg } from '../core/orgs/orgs';

export const handler = defineRoute(orgRoutes.getOrg, async ({ params }) => {
  const org = await getOrg(params.orgId);
  if (!org) throw new NotFoundError('No such org.');
  return ok({ orgId: org.orgId, name: org.name, createdAt: org.createdAt });
});
