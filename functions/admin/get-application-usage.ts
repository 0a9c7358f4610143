import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { readApplicationUsage } from '../core/usage/application-usage';

export const handler = defineRoute(applicationRoutes.getApplicationUsage, async ({ params, query }) => {
  return ok(await readApplicationUsage(params.orgId, params.applicationId, query.days));
});
