import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { createApplication } from '../core/applications';

export const handler = defineRoute(routes.createApplication, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageOrg');
  return created(await createApplication(params.orgId, body.name, personActor(principal)));
});
