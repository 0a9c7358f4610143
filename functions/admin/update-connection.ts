import { connectionRoutes } from '../routes/connections';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { changeConnection } from '../core/applications';

export const handler = defineRoute(connectionRoutes.updateConnection, async ({ params, body, actor }) => {
  return ok(await changeConnection({ orgId: params.orgId, applicationId: params.applicationId, ...body }, actor));
});
