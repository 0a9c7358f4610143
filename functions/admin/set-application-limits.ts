import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { setApplicationLimitsWithPlan } from '../core/applications';

/** The limits in the table, then in the usage plan that enforces them: core/applications/usage-plans.ts. */
export const handler = defineRoute(applicationRoutes.setApplicationLimits, async ({ params, body, actor }) =>
  ok(await setApplicationLimitsWithPlan(params.orgId, params.applicationId, body, actor)),
);
