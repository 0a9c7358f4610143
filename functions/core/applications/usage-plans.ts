import type { Actor } from '../orgs/audit';
import { getGatewayTarget } from '../platform/config';
import { ServiceUnavailableError } from '../platform/errors';
import { writeLog } from '../observability/logger';
import { createApplication, deleteApplication, type ApplicationLimits } from './applications';
import { limitsOf, setApplicationLimits } from './application-limits';
import { removeUsagePlan, syncUsagePlan } from './gateway-usage-plans';

/**
 * The usage-plan protocol: an application's limits live in the table (what the API shows) and
 * are enforced at the edge, in front of every handler, by a usage plan: API Gateway's in AWS
 * (gateway-usage-plans.ts, the SDK), the local limiter of the local router under `npm start` and
 * in the tests (lib/local/router.ts). The three admin routes that change an application's plan
 * each make one call here, and the order of the writes and the rollback live here only:
 *
 * - create: the application first, then its plan; if the plan cannot be made, the application
 *   is deleted again (and what was made of its plan removed) and the answer is 503, so no
 *   application is left whose keys the edge would refuse;
 * - set limits: the table first, then the plan; if the plan fails the answer is 503, and
 *   calling again with the same body brings the plan in step;
 * - delete: the application first (its keys stop at once), then its plan; a 503 here: call
 *   again, it resumes.
 */

/** Where an application's limits are enforced: the port this module calls. */
export interface UsagePlans {
  /** Creates or updates the application's plan to `limits`; safe to repeat. */
  apply(applicationId: string, limits: ApplicationLimits): Promise<void>;
  /** Removes what is left of the application's plan; safe to repeat. */
  remove(applicationId: string): Promise<void>;
}

/** API Gateway's usage plans (the SDK), the port in AWS. */
const gatewayUsagePlans: UsagePlans = { apply: syncUsagePlan, remove: removeUsagePlan };

/**
 * The local limiters attached in this process, on the global object rather than in this module:
 * a deployed bundle run by the local router (test/support/bundled-api.ts) carries its own copy of
 * this module, and must reach the router's limiter all the same.
 */
const LOCAL_LIMITERS = Symbol.for('datagate.localUsagePlans');

function localLimiters(): Set<UsagePlans> {
  const global = globalThis as { [LOCAL_LIMITERS]?: Set<UsagePlans> };
  return (global[LOCAL_LIMITERS] ??= new Set());
}

/**
 * Attaches a local limiter (the local router's) as the port, where there is no API Gateway.
 * @returns a function that detaches it
 */
export function attachLocalUsagePlans(plans: UsagePlans): () => void {
  localLimiters().add(plans);
  return () => localLimiters().delete(plans);
}

/** API Gateway where the stack named one (`GATEWAY_REST_API_ID`), else every local limiter attached (none: nothing to do). */
function usagePlans(): UsagePlans {
  if (getGatewayTarget()) return gatewayUsagePlans;
  const local = [...localLimiters()];
  return {
    apply: async (applicationId, limits) => {
      for (const plans of local) await plans.apply(applicationId, limits);
    },
    remove: async (applicationId) => {
      for (const plans of local) await plans.remove(applicationId);
    },
  };
}

/** Creates an application (with its first key) and its usage plan, or nothing: see above. */
export async function createApplicationWithPlan(
  ownerOrgId: string,
  name: string,
  actor: Actor,
): ReturnType<typeof createApplication> {
  const created = await createApplication(ownerOrgId, name, actor);
  const { applicationId } = created.application;
  try {
    await usagePlans().apply(applicationId, limitsOf(created.application));
  } catch (error) {
    writeLog('error', 'usage plan not created; application deleted again', { applicationId }, error);
    await deleteApplication(ownerOrgId, applicationId, actor);
    await usagePlans()
      .remove(applicationId)
      .catch((removal: unknown) => writeLog('error', 'usage plan left behind', { applicationId }, removal));
    throw new ServiceUnavailableError(1);
  }
  return created;
}

/** Sets an application's limits in the table, then in its usage plan. */
export async function setApplicationLimitsWithPlan(
  ownerOrgId: string,
  applicationId: string,
  limits: ApplicationLimits,
  actor: Actor,
): Promise<ApplicationLimits> {
  const set = await setApplicationLimits(ownerOrgId, applicationId, limits, actor);
  await usagePlans().apply(applicationId, set);
  return set;
}

/** Deletes an application (its keys stop at once), then its usage plan. */
export async function deleteApplicationWithPlan(ownerOrgId: string, applicationId: string, actor: Actor): Promise<void> {
  await deleteApplication(ownerOrgId, applicationId, actor);
  await usagePlans().remove(applicationId);
}
