import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { updateApplication } from '../core/applications';

export const handler = defineRoute(applicationRoutes.updateApplication, async ({ params, body, actor }) => {
  return ok(await updateApplication(params.orgId, params.applicationId, body, actor));
});
