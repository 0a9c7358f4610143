import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { deleteApplicationWithPlan } from '../core/applications';

/** Its keys stop first (the table), its usage plan goes after: core/applications/usage-plans.ts. */
export const handler = defineRoute(applicationRoutes.deleteApplication, async ({ params, actor }) => {
  await deleteApplicationWithPlan(params.orgId, params.applicationId, actor);
  return noContent();
});
