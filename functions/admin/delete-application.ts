import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { deleteApplication } from '../core/applications';

export const handler = defineRoute(applicationRoutes.deleteApplication, async ({ params, actor }) => {
  await deleteApplication(params.orgId, params.applicationId, actor);
  return noContent();
});
