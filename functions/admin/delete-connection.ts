import { connectionRoutes } from '../routes/connections';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { disconnectApplication } from '../core/applications';

export const handler = defineRoute(connectionRoutes.deleteConnection, async ({ params, actor }) => {
  await disconnectApplication(params.orgId, params.applicationId, actor);
  return noContent();
});
