import { connectionRoutes } from '../routes/connections';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { connectApplication } from '../core/applications';

export const handler = defineRoute(connectionRoutes.createConnection, async ({ params, body, actor }) => {
  return created(await connectApplication({ orgId: params.orgId, ...body }, actor));
});
