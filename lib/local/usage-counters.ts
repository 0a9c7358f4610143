import { setLocalUsageSink, type ApplicationUse } from '../../functions/core/usage/usage-recorder';
import { addUsageCounts } from '../../functions/core/usage/usage-store';
import { utcDate } from '../../functions/core/usage/usage-days';

/**
 * Usage per application under `npm start`: counters kept in memory and flushed to the table
 * every `flushEveryMs`, one `ADD` per application, org and UTC day that moved since the last
 * flush, never a write per request. (In AWS, CloudWatch metrics count instead: usage-recorder.ts.)
 * A flush that fails keeps its counts for the next one; stopping flushes what is left.
 */

interface Pending {
  applicationId: string;
  date: string;
  org: string | undefined;
  requests: number;
  throttled: number;
}

export interface LocalUsageCounters {
  /** Writes what was counted since the last flush. */
  flush(): Promise<void>;
  /** Stops counting and flushes what is left. */
  stop(): Promise<void>;
}

export function startLocalUsageCounters(flushEveryMs: number): LocalUsageCounters {
  let pending = new Map<string, Pending>();
  const add = (applicationId: string, date: string, org: string | undefined, throttled: boolean) => {
    const key = `${applicationId}|${date}|${org ?? ''}`;
    let entry = pending.get(key);
    if (!entry) pending.set(key, (entry = { applicationId, date, org, requests: 0, throttled: 0 }));
    entry.requests += 1;
    if (throttled) entry.throttled += 1;
  };
  const count = (use: ApplicationUse) => {
    const date = utcDate(use.at);
    add(use.applicationId, date, undefined, use.throttled);
    if (use.org) add(use.applicationId, date, use.org, use.throttled);
  };

  let flushing: Promise<void> = Promise.resolve();
  const flushOnce = async () => {
    const batch = pending;
    pending = new Map();
    const failed: Pending[] = [];
    await Promise.all(
      [...batch.values()].map((entry) =>
        addUsageCounts(entry.applicationId, entry.date, entry.org, entry).catch(() => failed.push(entry)),
      ),
    );
    // Not lost: counted again with what comes next.
    for (const entry of failed) {
      const key = `${entry.applicationId}|${entry.date}|${entry.org ?? ''}`;
      const current = pending.get(key);
      if (current) {
        current.requests += entry.requests;
        current.throttled += entry.throttled;
      } else pending.set(key, entry);
    }
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
