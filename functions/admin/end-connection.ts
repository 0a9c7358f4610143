import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { endConnection } from '../core/applications';

export const handler = defineRoute(applicationRoutes.endConnection, async ({ params, actor }) => {
  await endConnection(params.orgId, params.applicationId, params.connectedOrgId, actor);
  return noContent();
});
