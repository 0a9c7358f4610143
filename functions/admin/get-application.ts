import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { describeApplication } from '../core/applications';

export const handler = defineRoute(applicationRoutes.getApplication, async ({ params }) => {
  return ok(await describeApplication(params.orgId, params.applicationId));
});
