import { baseOfStoredName, type Totals } from './derived-metrics';
import { valueOf, type StoredReading } from './readings';
import { PERIOD_MS } from '../platform/time';

/**
 * What one ingest batch changes in the hourly and daily aggregates (pure). Each written minute
 * replaces what was stored at its time (nothing, or an older value read just before the
 * conditional write), so its contribution is `new − old` for the sums and `(has new) − (had old)`
 * for the counts. Summed over every write ever made at that time, the deltas telescope to the
 * value stored last: the aggregates stay equal to the sums and counts of the stored minutes
 * however often a minute is resent or overwritten, and in whatever order concurrent writers'
 * deltas are added (addition commutes; each writer's `old` is guaranteed by its conditional put).
 */

export type PeriodKind = 'hour' | 'day';

export { PERIOD_MS };

/** One minute as stored: its time and its readings under stored (minute) names. */
export interface MinuteValues {
  time: string;
  metrics: Readonly<Record<string, StoredReading>>;
}

/** The change to one period's aggregate: per base metric, the sum and count to add (either may be negative). */
export interface PeriodDelta extends Period {
  deltas: Record<string, Totals>;
}

const periodStart = (time: string, kind: PeriodKind) => Math.floor(Date.parse(time) / PERIOD_MS[kind]) * PERIOD_MS[kind];

/** One hour or day of a datasource's aggregates. */
export interface Period {
  kind: PeriodKind;
  /** Period start, epoch milliseconds. */
  start: number;
}

/** The hours and days that minutes at `times` fall in, each once. */
export function periodsOf(times: readonly string[]): Period[] {
  const periods = new Map<string, Period>();
  for (const time of times) {
    for (const kind of ['hour', 'day'] as const) {
      const start = periodStart(time, kind);
      periods.set(`${kind}|${start}`, { kind, start });
    }
  }
  return [...periods.values()];
}

/**
 * The deltas of replacing `old` (undefined when nothing was stored) with `written`, for each hour
 * and day touched, without entries that cancel out (a resend of the same values adds nothing).
 */
export function rollupDeltas(changes: readonly { old?: MinuteValues; written: MinuteValues }[]): PeriodDelta[] {
  const periods = new Map<string, PeriodDelta>();
  const add = (kind: PeriodKind, minute: MinuteValues, sign: 1 | -1) => {
    const start = periodStart(minute.time, kind);
    const key = `${kind}|${start}`;
    let period = periods.get(key);
    if (!period) {
      period = { kind, start, deltas: {} };
      periods.set(key, period);
    }
    for (const [name, reading] of Object.entries(minute.metrics)) {
      const base = baseOfStoredName(name);
      const value = valueOf(reading);
      if (!base) continue;
      const delta = (period.deltas[base] ??= { sum: 0, count: 0, nulls: 0 });
      // A reading without a value (calibration missing) is in no mean, but the period holds it.
      if (value === null) delta.nulls! += sign;
      else {
        delta.sum += sign * value;
        delta.count += sign;
      }
    }
  };
  for (const { old, written } of changes) {
    for (const kind of ['hour', 'day'] as const) {
      if (old) add(kind, old, -1);
      add(kind, written, 1);
    }
  }
  return [...periods.values()].flatMap((period) => {
    const deltas = Object.fromEntries(
      Object.entries(period.deltas)
        .filter(([, { sum, count, nulls }]) => sum !== 0 || count !== 0 || nulls !== 0)
        .map(([base, { nulls, ...delta }]) => [base, nulls ? { ...delta, nulls } : delta]),
    );
    return Object.keys(deltas).length > 0 ? [{ ...period, deltas }] : [];
  });
}
