import { connectionRoutes } from '../routes/connections';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readConnectionUsage } from '../core/usage/application-usage';

export const handler = defineRoute(connectionRoutes.getConnectionUsage, async ({ params, query }) => {
  return ok(await readConnectionUsage(params.orgId, params.applicationId, query.days));
});
