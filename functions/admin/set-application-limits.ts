import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { setApplicationLimits } from '../core/applications';
import { syncUsagePlan } from '../core/applications';

/**
 * The table holds the limits the API shows; the gateway's usage plan enforces them. The table
 * is written first: if the gateway call fails the answer is 503 and calling again (the same
 * body) brings the gateway in step.
 */
export const handler = defineRoute(applicationRoutes.setApplicationLimits, async ({ params, body, actor }) => {
  const limits = await setApplicationLimits(params.orgId, params.applicationId, body, actor);
  await syncUsagePlan(params.applicationId, limits);
  return ok(limits);
});
