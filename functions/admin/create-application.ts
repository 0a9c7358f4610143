import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { createApplication, deleteApplication } from '../core/applications';
import { limitsOf } from '../core/applications';
import { syncUsagePlan } from '../core/applications';
import { ServiceUnavailableError } from '../core/platform/errors';
import { writeLog } from '../core/observability/logger';

/**
 * The application, then its gateway usage plan (its limits at API Gateway). If the gateway
 * refuses, the application is deleted again and the answer is 503: no application is left
 * whose keys the gateway would refuse.
 */
export const handler = defineRoute(applicationRoutes.createApplication, async ({ params, body, actor }) => {
  const result = await createApplication(params.orgId, body.name, actor);
  try {
    await syncUsagePlan(result.application.applicationId, limitsOf(result.application));
  } catch (error) {
    writeLog(
      'error',
      'usage plan not created; application deleted again',
      { applicationId: result.application.applicationId },
      error,
    );
    await deleteApplication(params.orgId, result.application.applicationId, actor);
    throw new ServiceUnavailableError(1);
  }
  return created(result);
});
