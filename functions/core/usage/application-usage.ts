import { getUsageSource } from '../platform/config';
import { NotFoundError } from '../platform/errors';
import { getConnection, loadApplication } from '../applications';
import { assembleUsage, usageWindow, type ApplicationUsage, type DayCounts } from './usage-days';
import { readUsageCounts } from './usage-store';
import { readUsageMetrics } from './usage-metrics';

/**
 * Usage per application (the two usage routes): the owner org sees every data API request made
 * with any of its application's keys, with each org's share; a connected org sees only the
 * requests into itself. Counted without a table write per request: CloudWatch metrics in AWS
 * (`USAGE_SOURCE=cloudwatch`), the local runtime's flushed counters under `npm start`.
 */

export type { ApplicationUsage } from './usage-days';

async function readCounts(
  applicationId: string,
  window: ReturnType<typeof usageWindow>,
  scope: { org: string } | { orgs: readonly string[] },
): Promise<Map<string, DayCounts>> {
  if (getUsageSource() === 'cloudwatch') return readUsageMetrics(applicationId, window, scope);
  const oldest = window.dates[window.dates.length - 1]!;
  return readUsageCounts(applicationId, oldest, window.dates[0]!, 'org' in scope ? scope.org : undefined);
}

/** The usage of an application of `ownerOrgId` over the last `days` UTC days; 404 for another org's. */
export async function readApplicationUsage(
  ownerOrgId: string,
  applicationId: string,
  days: number,
  now = Date.now(),
): Promise<ApplicationUsage> {
  const aggregate = await loadApplication(applicationId);
  if (!aggregate || aggregate.application.ownerOrgId !== ownerOrgId) throw new NotFoundError('No such application in this org.');
  const window = usageWindow(days, now);
  const counts = await readCounts(applicationId, window, { orgs: aggregate.connections.map((connection) => connection.orgId) });
  return assembleUsage(applicationId, window.dates, counts);
}

/** The requests an application connected to `orgId` made into it over the last `days` UTC days; 404 when not connected. */
export async function readConnectionUsage(
  orgId: string,
  applicationId: string,
  days: number,
  now = Date.now(),
): Promise<ApplicationUsage> {
  if (!(await getConnection(applicationId, orgId))) throw new NotFoundError('No such connection in this org.');
  const window = usageWindow(days, now);
  return assembleUsage(applicationId, window.dates, await readCounts(applicationId, window, { org: orgId }));
}
