import { addNow, queryAll } from '../store/table';
import type { DayCounts } from './usage-days';

/**
 * Usage counters in the table: where the local runtime flushes its in-memory counters (one
 * `ADD` per application, org and day per flush, never one per request) and where the usage
 * routes read them under `npm start`. In AWS the counts live in CloudWatch (usage-metrics.ts)
 * and these items are never written.
 *
 * Items: PK `USAGE#<applicationId>`, SK `D#<YYYY-MM-DD>#ALL` (every request of the day) and
 * `D#<YYYY-MM-DD>#ORG#<orgId>` (the requests that named that org), each with `requests`,
 * `throttled` and a `ttl` past the longest window.
 */

/** Seconds a day's counters are kept: past the 90-day window. */
const USAGE_RETENTION_SECONDS = 100 * 86_400;

const usagePartition = (applicationId: string) => `USAGE#${applicationId}`;
const usageSortKey = (date: string, org: string | undefined) => `D#${date}#${org === undefined ? 'ALL' : `ORG#${org}`}`;

/** Adds one flush's counts of an application, org (undefined: the day's total) and day: one write. */
export async function addUsageCounts(
  applicationId: string,
  date: string,
  org: string | undefined,
  counts: { requests: number; throttled: number },
): Promise<void> {
  await addNow(
    { PK: usagePartition(applicationId), SK: usageSortKey(date, org) },
    {
      set: { type: 'usage', ttl: Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + USAGE_RETENTION_SECONDS },
      add: { requests: counts.requests, throttled: counts.throttled },
    },
  );
}

/**
 * The counts of an application from `fromDate` to `toDate` (both included), by date: the day's
 * totals with every org's share, or with `org` only that org's requests (its `byOrg` holds just it).
 */
export async function readUsageCounts(
  applicationId: string,
  fromDate: string,
  toDate: string,
  org?: string,
): Promise<Map<string, DayCounts>> {
  const items = await queryAll({ partition: usagePartition(applicationId), between: [`D#${fromDate}#`, `D#${toDate}#~`] });
  const days = new Map<string, Required<DayCounts>>();
  const dayOf = (date: string) => {
    let day = days.get(date);
    if (!day) days.set(date, (day = { requests: 0, throttled: 0, byOrg: {} }));
    return day;
  };
  for (const item of items) {
    const [, date = '', scope = '', itemOrg] = String(item.SK).split('#');
    const requests = Number(item.requests ?? 0);
    const throttled = Number(item.throttled ?? 0);
    if (org === undefined) {
      if (scope === 'ALL') Object.assign(dayOf(date), { requests, throttled });
      else if (scope === 'ORG' && itemOrg) dayOf(date).byOrg[itemOrg] = requests;
    } else if (scope === 'ORG' && itemOrg === org) {
      Object.assign(dayOf(date), { requests, throttled, byOrg: { [org]: requests } });
    }
  }
  return days;
}
