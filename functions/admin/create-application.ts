import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { createApplicationWithPlan } from '../core/applications';

/** The application and its usage plan, or neither (a 503): core/applications/usage-plans.ts. */
export const handler = defineRoute(applicationRoutes.createApplication, async ({ params, body, actor }) =>
  created(await createApplicationWithPlan(params.orgId, body.name, actor)),
);
