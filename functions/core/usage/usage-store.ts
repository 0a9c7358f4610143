import { queryAll, updateNow, UPSERT } from '../store/table';
import type { DayCounts } from './usage-days';

/**
 * Usage counters in the table: where the local runtime flushes its in-memory counters (one
 * `ADD` per application and day per flush, never one per request) and where the usage routes
 * read them under `npm start`. In AWS the counts live in CloudWatch (usage-metrics.ts) and
 * these items are never written.
 *
 * Item: PK `USAGE#<applicationId>`, SK `D#<YYYY-MM-DD>`, with the day's `requests` and
 * `throttled`, each org's share as `org#<orgId>#requests` / `org#<orgId>#throttled`, and a `ttl`
 * past the longest window. One item per day, so a flush moves the day's total and every org's
 * share in one atomic write: a reader never sees a total without its shares.
 */

/** Seconds a day's counters are kept: past the 90-day window. */
const USAGE_RETENTION_SECONDS = 100 * 86_400;

const usagePartition = (applicationId: string) => `USAGE#${applicationId}`;
const usageSortKey = (date: string) => `D#${date}`;
const ORG_FIELD = /^org#(.+)#(requests|throttled)$/;

/** What one flush adds to one application's day. */
export interface UsageIncrement {
  requests: number;
  throttled: number;
  /** Each org's share (requests that named it). */
  byOrg: ReadonlyMap<string, { requests: number; throttled: number }>;
}

/** Adds one flush's counts of an application and day: one write. */
export async function addUsageCounts(applicationId: string, date: string, counts: UsageIncrement): Promise<void> {
  const add: Record<string, number> = { requests: counts.requests, throttled: counts.throttled };
  for (const [org, share] of counts.byOrg) {
    add[`org#${org}#requests`] = share.requests;
    add[`org#${org}#throttled`] = share.throttled;
  }
  await updateNow(
    { PK: usagePartition(applicationId), SK: usageSortKey(date) },
    { set: { type: 'usage', ttl: Math.floor(Date.parse(`${date}T00:00:00Z`) / 1000) + USAGE_RETENTION_SECONDS }, add },
    UPSERT,
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
  const items = await queryAll({
    partition: usagePartition(applicationId),
    between: [usageSortKey(fromDate), usageSortKey(toDate)],
  });
  const days = new Map<string, DayCounts>();
  for (const item of items) {
    const date = String(item.SK).slice('D#'.length);
    if (org === undefined) {
      const byOrg: Record<string, number> = {};
      for (const [field, value] of Object.entries(item)) {
        const match = ORG_FIELD.exec(field);
        if (match?.[2] === 'requests') byOrg[match[1]!] = Number(value);
      }
      days.set(date, { requests: Number(item.requests ?? 0), throttled: Number(item.throttled ?? 0), byOrg });
    } else {
      const requests = Number(item[`org#${org}#requests`] ?? 0);
      days.set(date, { requests, throttled: Number(item[`org#${org}#throttled`] ?? 0), byOrg: { [org]: requests } });
    }
  }
  return days;
}
