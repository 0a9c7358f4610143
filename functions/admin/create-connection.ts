import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { connectApplication } from '../core/application-connections';

export const handler = defineRoute(routes.createConnection, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return created(await connectApplication({ orgId: params.orgId, ...body }, personActor(principal)));
});
