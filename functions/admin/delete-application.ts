import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { deleteApplication } from '../core/applications';
import { removeUsagePlan } from '../core/applications';

/** Its keys stop first (the table); the gateway usage plan goes after (a 503 here: call again, it resumes). */
export const handler = defineRoute(applicationRoutes.deleteApplication, async ({ params, actor }) => {
  await deleteApplication(params.orgId, params.applicationId, actor);
  await removeUsagePlan(params.applicationId);
  return noContent();
});
