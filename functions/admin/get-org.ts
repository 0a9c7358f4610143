import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireOrgPermission } from '../core/access';
import { NotFoundError } from '../core/errors';
import { getOrg } from '../core/orgs';

export const handler = defineRoute(routes.getOrg, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'readListedDatasources');
  const org = await getOrg(params.orgId);
  if (!org) throw new NotFoundError('No such org.');
  return ok({ orgId: org.orgId, name: org.name, createdAt: org.createdAt });
});
