import { auditEventPut, type Actor } from '../orgs/audit';
import { getDefaultApplicationLimits } from '../platform/config';
import { applicationKey, changeApplication, type Application, type ApplicationLimits } from './applications';
import { getNow } from '../store/table';

/**
 * An application's limits (requests a second, burst, requests a UTC day): set by an admin of its
 * owner org, otherwise the stack's defaults. API Gateway enforces them with one usage plan per
 * application (gateway-usage-plans.ts); the local server enforces the same (lib/local).
 */

/** The limits in force for an application. */
export function limitsOf(application: Pick<Application, 'limits'>): ApplicationLimits {
  return application.limits ?? getDefaultApplicationLimits();
}

/** The limits in force, by application id (the local gateway's read); undefined for an unknown application. */
export async function readApplicationLimits(applicationId: string): Promise<ApplicationLimits | undefined> {
  const item = await getNow(applicationKey(applicationId));
  if (!item || item.deletedAt) return undefined;
  return limitsOf(item);
}

/** Sets an application's limits (owner org's admins), with an audit event in the same transaction. */
export async function setApplicationLimits(
  ownerOrgId: string,
  applicationId: string,
  limits: ApplicationLimits,
  actor: Actor,
  now = new Date(),
): Promise<ApplicationLimits> {
  return changeApplication(
    applicationId,
    ({ application }) => ({
      applicationUpdate: { set: { limits } },
      items: [
        auditEventPut(
          application.ownerOrgId,
          actor,
          'application.limits',
          applicationId,
          { from: limitsOf(application), to: limits },
          now,
        ),
      ],
      result: limits,
    }),
    { ownedBy: ownerOrgId },
  );
}
