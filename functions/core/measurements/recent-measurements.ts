import { getContinuationSettleMs } from '../platform/config';
import { getDatasources, type Datasource } from '../datasources/datasources';
import { readReceipts, receiptMarkAt, type StoredMeasurement } from './measurements';
import { readRollups } from './measurement-rollups';
import { dayRows, hourRows, hoursAffectedBy, ROLLING_HOURS, type DerivedRow } from '../air-quality/derived-metrics';
import { HOUR_MS } from '../platform/time';
import {
  AnswerSize,
  MAX_MEASUREMENTS_PER_ANSWER,
  iso,
  periodStart,
  selectMetrics,
  selectRow,
  windowStart,
  type MeanFrequency,
  type RecentQuery,
  type Row,
} from './measurement-windows';
import { metricFilter } from '../air-quality/metric-select';

/**
 * The continuations of a recent query (contract section 6), and the `hour` and `day` rows both
 * it and the query (./recent-window.ts, the whole window) answer: the receipt mark that makes a
 * continuation chain deliver every ingested measurement exactly once. Minutes are read as stored;
 * `hour` and `day` rows are derived (../air-quality/) from the rolled-up aggregates
 * (./measurement-rollups.ts), never from the minutes. The arithmetic (windows, what fits) is
 * measurement-windows.ts; rendering (json-long, csv-wide) is ../clarity/recent-answer.ts.
 */

export type { RecentQuery, Row } from './measurement-windows';

export interface RecentAnswer {
  /** Newest first; within a time, by datasource id. */
  rows: Row[];
  /** The datasources the rows belong to (for locations and source types). */
  datasources: Datasource[];
  /**
   * Receipt position the next continuation resumes after: everything received at or before it
   * is delivered (or out of the window, or unreadable).
   */
  mark: string;
}

/** `IN` takes 100 values: a continuation of more datasourceIds filters the org's receipts itself. */
const RECEIPT_FILTER_MAX = 100;

const toRow =
  (datasourceId: string) =>
  ({ start, end, metrics }: DerivedRow): Row => ({
    datasourceId,
    time: iso(start),
    endOfPeriod: iso(end),
    metrics,
  });

/** The `hour` rows of one datasource for the hours `report` (epoch ms), from its aggregates. */
export async function hourRowsOf(datasourceId: string, report: readonly number[]): Promise<Row[]> {
  if (report.length === 0) return [];
  const first = Math.min(...report);
  const last = Math.max(...report);
  // The rolling mean and the NowCast of the first reported hour look 23 and 11 hours back.
  const hours = await readRollups(datasourceId, 'hour', first - (ROLLING_HOURS - 1) * HOUR_MS, last);
  return hourRows(hours, report).map(toRow(datasourceId));
}

/** The `day` rows of one datasource for the days from `first` to `last` (epoch ms). */
export async function dayRowsOf(datasourceId: string, first: number, last: number): Promise<Row[]> {
  return dayRows(await readRollups(datasourceId, 'day', first, last)).map(toRow(datasourceId));
}

/** Whole periods from `from` to the one holding `now`, as epoch-ms starts. */
export function periodsBetween(from: number, now: number, frequency: MeanFrequency): number[] {
  const step = frequency === 'hour' ? HOUR_MS : 24 * HOUR_MS;
  const starts: number[] = [];
  for (let start = periodStart(iso(from), frequency); start <= now; start += step) starts.push(start);
  return starts;
}

/**
 * What a continuation delivers: the measurements received after `after` (the previous
 * answer's mark) and no later than the settle lag allows, that are still within the window (as
 * narrowed by the query's `startTime`), readable now, and of datasources that still exist (a
 * retired one's items linger until their TTL). For means, every period whose rows a receipt
 * changes is sent again, derived from the aggregates: its hour (or day), and for `hour` the 23
 * hours after it (rolling means, NowCasts). Receipts are taken in receipt order while the answer
 * has room; the mark stops after the last one taken, so the rest follow in the next answer.
 */
export async function continueRecentMeasurements(
  orgId: string,
  visible: 'all' | Set<string>,
  query: RecentQuery,
  after: string,
  { now = Date.now() }: { now?: number } = {},
): Promise<RecentAnswer> {
  const upTo = receiptMarkAt(new Date(now - getContinuationSettleMs()));
  const caughtUp = upTo > after ? upTo : after;
  const requested = query.allDatasources ? undefined : query.datasourceIds;
  const readable =
    visible === 'all' ? requested : (requested ?? [...visible]).filter((datasourceId) => visible.has(datasourceId));
  if (readable !== undefined && readable.length === 0) return { rows: [], datasources: [], mark: caughtUp };
  const wantedIds = readable && new Set(readable);

  const cap = MAX_MEASUREMENTS_PER_ANSWER;
  const receipts = await readReceipts(
    orgId,
    after,
    upTo,
    cap,
    readable && readable.length <= RECEIPT_FILTER_MAX ? readable : undefined,
  );
  const mark = receipts.length === cap ? receipts[cap - 1]!.receipt : caughtUp;
  const fromMs = windowStart(query.outputFrequency, now, query.startTime);
  const from = iso(fromMs);
  const inWindow = (measurement: StoredMeasurement) =>
    measurement.time >= from && (wantedIds === undefined || wantedIds.has(measurement.datasourceId));
  // A retired datasource's items stay until their TTL: only datasources that still exist are
  // answered. One read of the datasources the receipts name (batched), never one per row.
  const existing = await getDatasources(orgId, [
    ...new Set(receipts.filter(inWindow).map((measurement) => measurement.datasourceId)),
  ]);
  const exists = new Set(existing.map((datasource) => datasource.datasourceId));
  const deliverable = receipts.map((measurement) => inWindow(measurement) && exists.has(measurement.datasourceId));
  const taken =
    query.outputFrequency === 'minute'
      ? continueMinutes(receipts, deliverable, query, mark)
      : await continueMeans(receipts, deliverable, query, query.outputFrequency, mark, fromMs, now);
  const rows = selectMetrics(taken.rows, query.metricSelect);
  const inAnswer = new Set(rows.map((row) => row.datasourceId));
  return { rows, datasources: existing.filter((datasource) => inAnswer.has(datasource.datasourceId)), mark: taken.mark };
}

/** A continuation's rows and the receipt mark after the last receipt they hold. */
interface Taken {
  rows: Row[];
  mark: string;
}

/** Minutes: each deliverable receipt is a row, taken in receipt order while the answer has room. */
function continueMinutes(receipts: StoredMeasurement[], deliverable: boolean[], query: RecentQuery, mark: string): Taken {
  const wanted = metricFilter(query.metricSelect);
  const size = new AnswerSize(query);
  const rows: Row[] = [];
  for (const [index, { datasourceId, time, metrics }] of receipts.entries()) {
    const row = deliverable[index] ? selectRow({ datasourceId, time, metrics }, wanted) : undefined;
    if (!row) continue;
    // The first row always fits, so index > 0 here.
    if (!size.admit(row)) return { rows, mark: receipts[index - 1]!.receipt };
    rows.push(row);
  }
  return { rows, mark };
}

/**
 * Means: the periods whose rows each deliverable receipt changes (its hour or day; for `hour`,
 * also the 23 hours after it, within the window and not in the future), derived from the
 * aggregates as they are now, taken in receipt order while the answer has room. The rows of the
 * first receipt are always sent, so a chain always moves on.
 */
async function continueMeans(
  receipts: StoredMeasurement[],
  deliverable: boolean[],
  query: RecentQuery,
  frequency: MeanFrequency,
  tentativeMark: string,
  from: number,
  now: number,
): Promise<Taken> {
  const affected = (measurement: StoredMeasurement) => {
    const start = periodStart(measurement.time, frequency);
    return frequency === 'day' ? [start] : hoursAffectedBy(start).filter((hour) => hour >= from && hour <= now);
  };
  const periodsOf = new Map<string, Set<number>>();
  for (const [index, measurement] of receipts.entries()) {
    if (!deliverable[index]) continue;
    const periods = periodsOf.get(measurement.datasourceId) ?? new Set<number>();
    for (const start of affected(measurement)) periods.add(start);
    periodsOf.set(measurement.datasourceId, periods);
  }
  const rowOf = new Map<string, Row>();
  await Promise.all(
    [...periodsOf].map(async ([datasourceId, periods]) => {
      const starts = [...periods];
      const rows =
        frequency === 'hour'
          ? await hourRowsOf(datasourceId, starts)
          : (await dayRowsOf(datasourceId, Math.min(...starts), Math.max(...starts))).filter((row) =>
              periods.has(Date.parse(row.time)),
            );
      for (const row of rows) rowOf.set(`${datasourceId}|${row.time}`, row);
    }),
  );
  const wanted = metricFilter(query.metricSelect);
  const size = new AnswerSize(query);
  const taken = new Map<string, Row>();
  let receiptsTaken = 0;
  for (const [index, measurement] of receipts.entries()) {
    if (!deliverable[index]) continue;
    for (const start of affected(measurement)) {
      const key = `${measurement.datasourceId}|${iso(start)}`;
      const row = taken.has(key) ? undefined : rowOf.get(key);
      const selected = row && selectRow(row, wanted);
      if (!selected) continue;
      if (!size.admit(selected) && receiptsTaken > 0) return { rows: [...taken.values()], mark: receipts[index - 1]!.receipt };
      taken.set(key, selected);
    }
    receiptsTaken += 1;
  }
  return { rows: [...taken.values()], mark: tentativeMark };
}
