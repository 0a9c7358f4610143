import { getContinuationSettleMs, getMaxValuesPerAnswer } from './config';
import { getDatasources, listVisibleDatasources, type Datasource } from './datasources';
import { BadRequestError } from './errors';
import { readMeasurements, readReceipts, receiptMarkAt, type StoredMeasurement } from './measurements';
import {
  AnswerSize,
  MAX_FUTURE_MS,
  MAX_MEASUREMENTS_PER_ANSWER,
  PERIOD_MS,
  aggregate,
  fitAnswer,
  iso,
  periodStart,
  selectMetrics,
  selectRow,
  windowStart,
  type MeanFrequency,
  type RecentQuery,
  type Row,
} from './measurement-windows';
import { metricFilter } from './metric-select';
import { readListing } from './table';

/**
 * The recent-measurements query and its continuations (contract section 6): which items are
 * read, how hourly and daily means are computed, and the receipt mark that makes a
 * continuation chain deliver every ingested measurement exactly once. The arithmetic (windows,
 * periods, means, what fits) is measurement-windows.ts; rendering (json-long, csv-wide) is the
 * handlers' business.
 */

export type { RecentQuery, Row } from './measurement-windows';

export interface RecentAnswer {
  /** Newest first; within a time, by datasource id. */
  rows: Row[];
  /** The datasources the rows belong to (for locations and source types). */
  datasources: Datasource[];
  /**
   * Receipt position the next continuation resumes after. For a continuation, everything received
   * at or before it is delivered (or out of the window, or unreadable). For a query's first
   * answer, it is the time of the query less the settle lag: what is received later follows in
   * the chain, while rows of the window the first answer had no room for are not sent later.
   */
  mark: string;
}

/** Datasources read concurrently when an org's list is walked. */
const CONCURRENCY = 10;
const DATASOURCE_PAGE = 100;

/** Rows of one datasource for the first answer of a query. */
async function rowsOf(
  datasourceId: string,
  query: RecentQuery,
  from: number,
  now: number,
  limit: number,
  mark: string | undefined,
): Promise<Row[]> {
  const read = await readMeasurements(
    datasourceId,
    iso(from),
    iso(now + MAX_FUTURE_MS),
    query.outputFrequency === 'minute' ? limit : Infinity,
  );
  // Items received within the settle lag are left to the first continuation, never sent twice.
  const delivered = mark === undefined ? read : read.filter((measurement) => measurement.receipt <= mark);
  if (query.outputFrequency === 'minute')
    return delivered.map(({ datasourceId: id, time, metrics }) => ({ datasourceId: id, time, metrics }));
  return aggregate(delivered, query.outputFrequency);
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
  await visit(found);
}

/**
 * The first answer of a query: newest first, within the window of its output frequency, the
 * newest rows that fit in one answer (see AnswerSize). With `forContinuation`, items received
 * within the settle lag are held back for the first continuation, and the answer's mark says so.
 */
export async function queryRecentMeasurements(
  orgId: string,
  visible: 'all' | Set<string>,
  query: RecentQuery,
  { now = Date.now(), forContinuation = false } = {},
): Promise<RecentAnswer> {
  const mark = receiptMarkAt(new Date(now - getContinuationSettleMs()));
  // Every row holds at least one value: no datasource can contribute more rows than this.
  const readLimit = Math.min(MAX_MEASUREMENTS_PER_ANSWER, getMaxValuesPerAnswer());
  let from = windowStart(query.outputFrequency, now, query.startTime);
  let kept: Row[] = [];
  const used = new Map<string, Datasource>();
  await forEachRequestedPage(orgId, visible, query, async (datasources) => {
    for (let start = 0; start < datasources.length; start += CONCURRENCY) {
      const group = datasources.slice(start, start + CONCURRENCY);
      const rows = await Promise.all(
        group.map((datasource) =>
          rowsOf(datasource.datasourceId, query, from, now, readLimit, forContinuation ? mark : undefined),
        ),
      );
      const candidates = selectMetrics([...kept, ...rows.flat()], query.metricSelect);
      kept = fitAnswer(candidates, query.format);
      for (const datasource of group) used.set(datasource.datasourceId, datasource);
      // Once the answer is full, older rows can never make it in: read no further back than its oldest.
      if (kept.length < candidates.length) from = Math.max(from, Date.parse(kept[kept.length - 1]!.time));
    }
  });
  const inAnswer = new Set(kept.map((row) => row.datasourceId));
  return { rows: kept, datasources: [...used.values()].filter((d) => inAnswer.has(d.datasourceId)), mark };
}

/**
 * What a continuation delivers: the measurements received after `after` (the previous
 * answer's mark) and no later than the settle lag allows, that are still within the window (as
 * narrowed by the query's `startTime`), readable now, and of datasources that still exist (a
 * retired one's items linger until their TTL). For means, each period touched by such a receipt
 * is recomputed whole and sent again. Receipts are taken in receipt order while the answer has
 * room (at most MAX_MEASUREMENTS_PER_ANSWER read, and see AnswerSize); the mark stops after the
 * last one taken, so the rest follow in the next answer, each exactly once.
 */
export async function continueRecentMeasurements(
  orgId: string,
  visible: 'all' | Set<string>,
  query: RecentQuery,
  after: string,
  { now = Date.now() } = {},
): Promise<RecentAnswer> {
  const upTo = receiptMarkAt(new Date(now - getContinuationSettleMs()));
  const caughtUp = upTo > after ? upTo : after;
  const requested = query.allDatasources ? undefined : query.datasourceIds;
  const readable =
    visible === 'all' ? requested : (requested ?? [...visible]).filter((datasourceId) => visible.has(datasourceId));
  if (readable !== undefined && readable.length === 0) return { rows: [], datasources: [], mark: caughtUp };

  const cap = MAX_MEASUREMENTS_PER_ANSWER;
  const receipts = await readReceipts(orgId, after, upTo, cap, readable);
  const mark = receipts.length === cap ? receipts[cap - 1]!.receipt : caughtUp;
  const from = iso(windowStart(query.outputFrequency, now, query.startTime));
  // A retired datasource's items stay until their TTL: only datasources that still exist are
  // answered. One read of the datasources the receipts name (batched), never one per row.
  const existing = await getDatasources(orgId, [
    ...new Set(receipts.filter((measurement) => measurement.time >= from).map((measurement) => measurement.datasourceId)),
  ]);
  const exists = new Set(existing.map((datasource) => datasource.datasourceId));
  const deliverable = receipts.map((measurement) => measurement.time >= from && exists.has(measurement.datasourceId));
  const taken =
    query.outputFrequency === 'minute'
      ? continueMinutes(receipts, deliverable, query, mark)
      : await continueMeans(receipts, deliverable, query, query.outputFrequency, mark);
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
  const size = new AnswerSize(query.format);
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
 * Means: each period touched by a deliverable receipt is read whole and recomputed from the
 * measurements received up to the mark, taken in receipt order while the answer has room.
 */
async function continueMeans(
  receipts: StoredMeasurement[],
  deliverable: boolean[],
  query: RecentQuery,
  frequency: MeanFrequency,
  tentativeMark: string,
): Promise<Taken> {
  const period = PERIOD_MS[frequency];
  const periodKey = (measurement: StoredMeasurement) => `${measurement.datasourceId}|${periodStart(measurement.time, frequency)}`;
  const touched = new Map<string, { datasourceId: string; start: number }>();
  for (const [index, measurement] of receipts.entries()) {
    if (deliverable[index]) {
      touched.set(periodKey(measurement), {
        datasourceId: measurement.datasourceId,
        start: periodStart(measurement.time, frequency),
      });
    }
  }
  const minutesOf = new Map(
    await Promise.all(
      [...touched].map(async ([key, { datasourceId, start }]) => {
        const minutes = await readMeasurements(datasourceId, iso(start), iso(start + period - 1), Infinity);
        return [key, minutes] as const;
      }),
    ),
  );
  const meansUpTo = (key: string, upToMark: string) =>
    aggregate(
      minutesOf.get(key)!.filter((minute) => minute.receipt <= upToMark),
      frequency,
    );
  const wanted = metricFilter(query.metricSelect);
  const size = new AnswerSize(query.format);
  let mark = tentativeMark;
  // A period's row computed up to the tentative mark has every metric it can have with a lower
  // one, so counting it bounds what is finally sent.
  const taken = new Set<string>();
  for (const [index, measurement] of receipts.entries()) {
    if (!deliverable[index]) continue;
    const key = periodKey(measurement);
    if (taken.has(key)) continue;
    const bound = meansUpTo(key, tentativeMark).flatMap((row) => selectRow(row, wanted) ?? []);
    if (bound.length > 0 && !size.admit(bound[0]!)) {
      mark = receipts[index - 1]!.receipt;
      break;
    }
    taken.add(key);
  }
  return { rows: [...taken].flatMap((key) => meansUpTo(key, mark)), mark };
}
