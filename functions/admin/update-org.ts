import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { renameOrg } from '../core/orgs';

export const handler = defineRoute(routes.updateOrg, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  const { orgId, name, createdAt } = await renameOrg(params.orgId, body.name, personActor(principal));
  return ok({ orgId, name, createdAt });
});
