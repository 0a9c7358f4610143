import { getContinuationSettleMs, getMaxValuesPerAnswer } from '../platform/config';
import { getDatasources, listVisibleDatasources, type Datasource } from '../datasources/datasources';
import { BadRequestError } from '../platform/errors';
import { readMeasurements, readReceipts, receiptMarkAt, type StoredMeasurement } from './measurements';
import { readRollups } from './measurement-rollups';
import { dayRows, hourRows, hoursAffectedBy, ROLLING_HOURS, type DerivedRow } from '../air-quality/derived-metrics';
import { HOUR_MS } from '../platform/time';
import {
  AnswerSize,
  MAX_FUTURE_MS,
  MAX_MEASUREMENTS_PER_ANSWER,
  fitAnswer,
  iso,
  newestFirst,
  periodStart,
  selectMetrics,
  selectRow,
  windowStart,
  type MeanFrequency,
  type RecentQuery,
  type Row,
} from './measurement-windows';
import { metricFilter } from '../air-quality/metric-select';
import { readListing } from '../store/table';

/**
 * The recent-measurements query and its continuations (contract section 6): which items are
 * read, and the receipt mark that makes a continuation chain deliver every ingested measurement
 * exactly once. Minutes are read as stored; `hour` and `day` rows are derived (./air-quality/)
 * from the rolled-up aggregates (./measurement-rollups.ts), never from the minutes. The arithmetic
 * (windows, what fits) is measurement-windows.ts; rendering (json-long, csv-wide) is the handlers'.
 *
 * No silent loss: when one answer cannot carry the whole window, the answer has a `backlog`:
 * the position of its last row. The token carries it, and the next continuations send the rest of
 * the window from there (newest first, as the query would have), before anything received later.
 */

export type { RecentQuery, Row } from './measurement-windows';

/** A position in the newest-first order of rows: time, then datasource id. */
export interface RowCursor {
  time: string;
  datasourceId: string;
}

/** The part of a query's window its answers have not carried yet. */
export interface Backlog {
  /** The query's clock: the window is the one of the first answer. */
  now: number;
  /** Rows after this one (in newest-first order) are still to be sent. */
  after: RowCursor;
}

export interface RecentAnswer {
  /** Newest first; within a time, by datasource id. */
  rows: Row[];
  /** The datasources the rows belong to (for locations and source types). */
  datasources: Datasource[];
  /**
   * Receipt position the next continuation resumes after: everything received at or before it
   * is delivered (or out of the window, or unreadable), apart from a backlog still to be sent.
   */
  mark: string;
  /** Set when rows of the window did not fit: the next continuation sends them. */
  backlog?: Backlog;
}

/** Datasources read concurrently when an org's list is walked. */
const CONCURRENCY = 10;
const DATASOURCE_PAGE = 100;
/** `IN` takes 100 values: a continuation of more datasourceIds filters the org's receipts itself. */
const RECEIPT_FILTER_MAX = 100;

const isAfter = (row: RowCursor, cursor: RowCursor | undefined) =>
  cursor === undefined || newestFirst({ ...row, metrics: {} }, { ...cursor, metrics: {} }) > 0;

const toRow =
  (datasourceId: string) =>
  ({ start, end, metrics }: DerivedRow): Row => ({
    datasourceId,
    time: iso(start),
    endOfPeriod: iso(end),
    metrics,
  });

/** The `hour` rows of one datasource for the hours `report` (epoch ms), from its aggregates. */
async function hourRowsOf(datasourceId: string, report: readonly number[]): Promise<Row[]> {
  if (report.length === 0) return [];
  const first = Math.min(...report);
  const last = Math.max(...report);
  // The rolling mean and the NowCast of the first reported hour look 23 and 11 hours back.
  const hours = await readRollups(datasourceId, 'hour', first - (ROLLING_HOURS - 1) * HOUR_MS, last);
  return hourRows(hours, report).map(toRow(datasourceId));
}

/** The `day` rows of one datasource for the days from `first` to `last` (epoch ms). */
async function dayRowsOf(datasourceId: string, first: number, last: number): Promise<Row[]> {
  return dayRows(await readRollups(datasourceId, 'day', first, last)).map(toRow(datasourceId));
}

/** Whole periods from `from` to the one holding `now`, as epoch-ms starts. */
function periodsBetween(from: number, now: number, frequency: MeanFrequency): number[] {
  const step = frequency === 'hour' ? HOUR_MS : 24 * HOUR_MS;
  const starts: number[] = [];
  for (let start = periodStart(iso(from), frequency); start <= now; start += step) starts.push(start);
  return starts;
}

/**
 * Rows of one datasource for a first answer (or its backlog): minutes from the newest back to
 * `from` (at most `limit`; `complete` says whether that was all of them), or the periods of the
 * window derived from the aggregates.
 */
async function rowsOf(
  datasourceId: string,
  query: RecentQuery,
  from: number,
  now: number,
  limit: number,
  mark: string | undefined,
  before: RowCursor | undefined,
): Promise<{ rows: Row[]; complete: boolean }> {
  if (query.outputFrequency === 'minute') {
    const read = await readMeasurements(datasourceId, iso(from), before?.time ?? iso(now + MAX_FUTURE_MS), limit);
    // Items received within the settle lag are left to the first continuation, never sent twice.
    const delivered = mark === undefined ? read : read.filter((measurement) => measurement.receipt <= mark);
    const rows = delivered
      .map(({ datasourceId: id, time, metrics }) => ({ datasourceId: id, time, metrics }))
      .filter((row) => isAfter(row, before));
    return { rows, complete: read.length < limit };
  }
  const rows =
    query.outputFrequency === 'hour'
      ? await hourRowsOf(datasourceId, periodsBetween(from, now, 'hour'))
      : await dayRowsOf(datasourceId, periodStart(iso(from), 'day'), now);
  return { rows: rows.filter((row) => isAfter(row, before)), complete: true };
}

/**
 * Calls `visit` with the requested datasources, a page at a time: the org's whole visible list
 * for `allDatasources` (paged, never loaded whole), or the listed ids (each must be visible).
 */
async function forEachRequestedPage(
  orgId: string,
  visible: 'all' | Set<string>,
  query: RecentQuery,
  visit: (datasources: Datasource[]) => Promise<void>,
): Promise<void> {
  if (query.allDatasources) {
    // The paging loop with a visit per page, so the org's list is never held whole.
    await readListing(
      async (limit, nextToken) => {
        const page = await listVisibleDatasources(orgId, visible, limit, nextToken);
        await visit(page.items);
        return { items: [], ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
      {},
      Infinity,
      DATASOURCE_PAGE,
    );
    return;
  }
  const ids = [...new Set(query.datasourceIds ?? [])];
  const found = await getDatasources(orgId, visible === 'all' ? ids : ids.filter((id) => visible.has(id)));
  const known = new Set(found.map((datasource) => datasource.datasourceId));
  const missing = (query.datasourceIds ?? []).flatMap((id, index) =>
    known.has(id)
      ? []
      : [{ path: `datasourceIds.${index}`, message: `${id} is not a datasource this application can read in this org.` }],
  );
  if (missing.length > 0) throw new BadRequestError('Some datasourceIds cannot be read.', missing);
  for (let start = 0; start < found.length; start += DATASOURCE_PAGE) await visit(found.slice(start, start + DATASOURCE_PAGE));
}

/**
 * The first answer of a query (or, with `backlog`, the next part of its window): newest first,
 * within the window of its output frequency, the newest rows that fit in one answer (see
 * AnswerSize). With `forContinuation`, items received within the settle lag are held back for the
 * first continuation, and the answer's mark says so. When rows of the window do not fit, the
 * answer's `backlog` says where the next part starts.
 */
export async function queryRecentMeasurements(
  orgId: string,
  visible: 'all' | Set<string>,
  query: RecentQuery,
  {
    now = Date.now(),
    forContinuation = false,
    backlog,
    mark: givenMark,
  }: { now?: number; forContinuation?: boolean; backlog?: Backlog; mark?: string } = {},
): Promise<RecentAnswer> {
  const clock = backlog?.now ?? now;
  const mark = givenMark ?? receiptMarkAt(new Date(clock - getContinuationSettleMs()));
  // Every row holds at least one value: one more than an answer can hold shows that it is full.
  const readLimit = Math.min(MAX_MEASUREMENTS_PER_ANSWER, getMaxValuesPerAnswer()) + 1;
  let from = windowStart(query.outputFrequency, clock, query.startTime);
  let kept: Row[] = [];
  let full = false;
  const used = new Map<string, Datasource>();
  await forEachRequestedPage(orgId, visible, query, async (datasources) => {
    for (let start = 0; start < datasources.length; start += CONCURRENCY) {
      const group = datasources.slice(start, start + CONCURRENCY);
      const read = await Promise.all(
        group.map((datasource) =>
          rowsOf(
            datasource.datasourceId,
            query,
            from,
            clock,
            readLimit,
            forContinuation || backlog ? mark : undefined,
            backlog?.after,
          ),
        ),
      );
      const candidates = selectMetrics([...kept, ...read.flatMap(({ rows }) => rows)], query.metricSelect);
      kept = fitAnswer(candidates, query);
      // A datasource with more minutes than were read: nothing older than its oldest read may be
      // answered before its unread ones, so the answer stops there (the backlog resumes from it).
      const horizon = Math.max(
        ...read.flatMap(({ rows, complete }) => (complete || rows.length === 0 ? [] : [Date.parse(rows[rows.length - 1]!.time)])),
      );
      if (Number.isFinite(horizon)) {
        kept = kept.filter((row) => Date.parse(row.time) >= horizon);
        full = true;
      }
      for (const datasource of group) used.set(datasource.datasourceId, datasource);
      if (kept.length < candidates.length) full = true;
      // Once the answer is full, older rows can never make it in: read no further back than its oldest.
      if (full && kept.length > 0) from = Math.max(from, Date.parse(kept[kept.length - 1]!.time));
    }
  });
  const inAnswer = new Set(kept.map((row) => row.datasourceId));
  const last = kept[kept.length - 1];
  return {
    rows: kept,
    datasources: [...used.values()].filter((d) => inAnswer.has(d.datasourceId)),
    mark,
    ...(full && last ? { backlog: { now: clock, after: { time: last.time, datasourceId: last.datasourceId } } } : {}),
  };
}

/**
 * What a continuation delivers. First any backlog of the query's window (the query's next part,
 * see queryRecentMeasurements). Then the measurements received after `after` (the previous
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
  { now = Date.now(), backlog }: { now?: number; backlog?: Backlog } = {},
): Promise<RecentAnswer> {
  if (backlog) {
    const part = await queryRecentMeasurements(orgId, visible, query, { backlog, mark: after, forContinuation: true });
    return { ...part, mark: after };
  }
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
