import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { changeConnection } from '../core/application-connections';

export const handler = defineRoute(routes.updateConnection, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return ok(
    await changeConnection({ orgId: params.orgId, applicationId: params.applicationId, ...body }, personActor(principal)),
  );
});
