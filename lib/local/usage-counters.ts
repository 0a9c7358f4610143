import { setLocalUsageSink, type ApplicationUse } from '../../functions/core/usage/usage-recorder';
import { addUsageCounts, type UsageIncrement } from '../../functions/core/usage/usage-store';
import { utcDate } from '../../functions/core/usage/usage-days';

/**
 * Usage per application under `npm start`: counters kept in memory and flushed to the table
 * every `flushEveryMs`, one `ADD` per application and UTC day that moved since the last flush
 * (the day's total and every org's share together), never a write per request. (In AWS, CloudWatch metrics count instead: usage-recorder.ts.)
 * A flush that fails keeps its counts for the next one; stopping flushes what is left.
 */

interface Pending extends UsageIncrement {
  applicationId: string;
  date: string;
  byOrg: Map<string, { requests: number; throttled: number }>;
}

export interface LocalUsageCounters {
  /** Writes what was counted since the last flush. */
  flush(): Promise<void>;
  /** Stops counting and flushes what is left. */
  stop(): Promise<void>;
}

export function startLocalUsageCounters(flushEveryMs: number): LocalUsageCounters {
  let pending = new Map<string, Pending>();
  const entryOf = (applicationId: string, date: string) => {
    const key = `${applicationId}|${date}`;
    let entry = pending.get(key);
    if (!entry) pending.set(key, (entry = { applicationId, date, requests: 0, throttled: 0, byOrg: new Map() }));
    return entry;
  };
  /** Adds `counts` to what the next flush writes. */
  const merge = (applicationId: string, date: string, counts: UsageIncrement) => {
    const entry = entryOf(applicationId, date);
    entry.requests += counts.requests;
    entry.throttled += counts.throttled;
    for (const [org, share] of counts.byOrg) {
      const current = entry.byOrg.get(org) ?? { requests: 0, throttled: 0 };
      entry.byOrg.set(org, { requests: current.requests + share.requests, throttled: current.throttled + share.throttled });
    }
  };
  const count = (use: ApplicationUse) => {
    const one = { requests: 1, throttled: use.throttled ? 1 : 0 };
    merge(use.applicationId, utcDate(use.at), { ...one, byOrg: new Map(use.org ? [[use.org, one]] : []) });
  };

  let flushing: Promise<void> = Promise.resolve();
  const flushOnce = async () => {
    const batch = pending;
    pending = new Map();
    const failed: Pending[] = [];
    await Promise.all(
      [...batch.values()].map((entry) => addUsageCounts(entry.applicationId, entry.date, entry).catch(() => failed.push(entry))),
    );
    // Not lost: counted again with what comes next.
    for (const entry of failed) merge(entry.applicationId, entry.date, entry);
  };
  // One flush at a time, so two never add the same counts.
  const flush = () => (flushing = flushing.then(flushOnce, flushOnce));

  setLocalUsageSink(count);
  const timer = setInterval(() => void flush(), flushEveryMs);
  timer.unref();
  return {
    flush,
    stop: async () => {
      clearInterval(timer);
      setLocalUsageSink(undefined);
      await flush();
    },
  };
}
