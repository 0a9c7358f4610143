import { getContinuationSettleMs, getMaxValuesPerAnswer } from './config';
import { getDatasources, listVisibleDatasources, type Datasource } from './datasources';
import { BadRequestError } from './errors';
import {
  MAX_FUTURE_MS,
  MAX_MEASUREMENTS_PER_ANSWER,
  WINDOW_MS,
  readMeasurements,
  readReceipts,
  receiptMarkAt,
  type StoredMeasurement,
} from './measurements';
import { metricFilter } from './metric-select';

/**
 * The recent-measurements query and its continuations (contract section 6): which items are
 * read, how hourly and daily means are computed, and the receipt mark that makes a
 * continuation chain deliver every ingested measurement exactly once. Rendering (json-long,
 * csv-wide) is the handlers' business.
 */

export type OutputFrequency = keyof typeof WINDOW_MS;

/** A query as the continuation token keeps it: what was asked, normalised. */
export interface RecentQuery {
  allDatasources: boolean;
  datasourceIds?: string[];
  outputFrequency: OutputFrequency;
  format: 'json-long' | 'csv-wide';
  startTime?: string;
  metricSelect?: string;
}

/** One measurement (minute) or one period's means (hour, day) of one datasource. */
export interface Row {
  datasourceId: string;
  /** The measurement's time, or the start of the period. */
  time: string;
  endOfPeriod?: string;
  metrics: Record<string, number>;
}

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

const PERIOD_MS = { hour: 3_600_000, day: 86_400_000 } as const;
const SUFFIX = { minute: '', hour: '1HourMean', day: '24HourMean' } as const;
/** Datasources read concurrently when an org's list is walked. */
const CONCURRENCY = 10;
const DATASOURCE_PAGE = 100;

const iso = (millis: number) => new Date(millis).toISOString();

/** Start of the window: 24 h back for minutes; whole UTC hours (48) or days (10) for means, the current one included. */
function windowStart(frequency: OutputFrequency, now: number, startTime?: string): number {
  let start: number;
  if (frequency === 'minute') start = now - WINDOW_MS.minute;
  else {
    const period = PERIOD_MS[frequency];
    start = Math.floor(now / period) * period - (WINDOW_MS[frequency] - period);
  }
  if (startTime === undefined) return start;
  const asked = Date.parse(startTime);
  const alignedAsked = frequency === 'minute' ? asked : Math.floor(asked / PERIOD_MS[frequency]) * PERIOD_MS[frequency];
  return Math.max(start, alignedAsked);
}

/** `pm2_5ConcMass` (or `pm2_5ConcMassIndividual`) → `pm2_5ConcMass1HourMean` for hourly means. */
function outputName(metric: string, frequency: OutputFrequency): string {
  return frequency === 'minute' ? metric : `${metric.replace(/Individual$/, '')}${SUFFIX[frequency]}`;
}

const newestFirst = (a: Row, b: Row) =>
  a.time < b.time ? 1 : a.time > b.time ? -1 : a.datasourceId.localeCompare(b.datasourceId);

/** Means of each metric per datasource and period, over the measurements given (in time order). */
export function aggregate(measurements: readonly StoredMeasurement[], frequency: Exclude<OutputFrequency, 'minute'>): Row[] {
  const period = PERIOD_MS[frequency];
  const groups = new Map<string, { row: Row; sums: Map<string, { sum: number; count: number }> }>();
  const ordered = [...measurements].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  for (const measurement of ordered) {
    const start = Math.floor(Date.parse(measurement.time) / period) * period;
    const key = `${measurement.datasourceId}|${start}`;
    let group = groups.get(key);
    if (!group) {
      group = {
        row: { datasourceId: measurement.datasourceId, time: iso(start), endOfPeriod: iso(start + period), metrics: {} },
        sums: new Map(),
      };
      groups.set(key, group);
    }
    for (const [metric, value] of Object.entries(measurement.metrics)) {
      const totals = group.sums.get(metric) ?? { sum: 0, count: 0 };
      totals.sum += value;
      totals.count += 1;
      group.sums.set(metric, totals);
    }
  }
  return [...groups.values()].map(({ row, sums }) => {
    for (const [metric, { sum, count }] of sums) row.metrics[outputName(metric, frequency)] = sum / count;
    return row;
  });
}

/** The row with only the metrics `metricSelect` wants, or undefined when none is left. */
function selectRow(row: Row, wanted: (metric: string) => boolean): Row | undefined {
  const metrics = Object.fromEntries(Object.entries(row.metrics).filter(([metric]) => wanted(metric)));
  return Object.keys(metrics).length > 0 ? { ...row, metrics } : undefined;
}

/** Applies `metricSelect` and drops rows left without metrics; sorts newest first. */
function selectMetrics(rows: Row[], metricSelect: string | undefined): Row[] {
  const wanted = metricFilter(metricSelect);
  return rows.flatMap((row) => selectRow(row, wanted) ?? []).sort(newestFirst);
}

/**
 * Keeps an answer within what one Lambda response can carry: at most MAX_MEASUREMENTS_PER_ANSWER
 * rows and getMaxValuesPerAnswer() values, counted as they will be serialized: in json-long one
 * `data` entry per metric of a row; in csv-wide one cell per row and metric column, the columns
 * being every metric of the answer (so a row that brings a new metric widens all the others).
 */
class AnswerSize {
  private rows = 0;
  private values = 0;
  private readonly columns = new Set<string>();
  private readonly maxValues = getMaxValuesPerAnswer();

  constructor(private readonly format: RecentQuery['format']) {}

  /** Counts `row` in if it fits. The first row always does, so a continuation chain always moves on. */
  admit(row: Row): boolean {
    const metrics = Object.keys(row.metrics);
    const values =
      this.format === 'json-long'
        ? this.values + metrics.length
        : (this.rows + 1) * (this.columns.size + metrics.filter((metric) => !this.columns.has(metric)).length);
    if (this.rows > 0 && (values > this.maxValues || this.rows >= MAX_MEASUREMENTS_PER_ANSWER)) return false;
    this.rows += 1;
    this.values = values;
    for (const metric of metrics) this.columns.add(metric);
    return true;
  }
}

/** The longest run of `rows`, from the first, that fits in one answer of `format`. */
export function fitAnswer(rows: Row[], format: RecentQuery['format']): Row[] {
  const size = new AnswerSize(format);
  const end = rows.findIndex((row) => !size.admit(row));
  return end === -1 ? rows : rows.slice(0, end);
}

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
    let nextToken: string | undefined;
    do {
      const page = await listVisibleDatasources(orgId, visible, DATASOURCE_PAGE, nextToken);
      await visit(page.items);
      nextToken = page.nextToken;
    } while (nextToken);
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
  const requested = query.allDatasources ? undefined : query.datasourceIds;
  const readable =
    visible === 'all' ? requested : (requested ?? [...visible]).filter((datasourceId) => visible.has(datasourceId));
  if (readable !== undefined && readable.length === 0) return { rows: [], datasources: [], mark: upTo > after ? upTo : after };

  const cap = MAX_MEASUREMENTS_PER_ANSWER;
  const receipts = await readReceipts(orgId, after, upTo, cap, readable);
  let mark = receipts.length === cap ? receipts[cap - 1]!.receipt : upTo > after ? upTo : after;
  const from = iso(windowStart(query.outputFrequency, now, query.startTime));
  // A retired datasource's items stay until their TTL: only datasources that still exist are
  // answered. One read of the datasources the receipts name (batched), never one per row.
  const existing = await getDatasources(orgId, [
    ...new Set(receipts.filter((measurement) => measurement.time >= from).map((measurement) => measurement.datasourceId)),
  ]);
  const exists = new Set(existing.map((datasource) => datasource.datasourceId));
  const deliverable = (measurement: StoredMeasurement) => measurement.time >= from && exists.has(measurement.datasourceId);
  const wanted = metricFilter(query.metricSelect);
  const size = new AnswerSize(query.format);

  let rows: Row[] = [];
  if (query.outputFrequency === 'minute') {
    for (const [index, measurement] of receipts.entries()) {
      const { datasourceId, time, metrics } = measurement;
      const row = deliverable(measurement) ? selectRow({ datasourceId, time, metrics }, wanted) : undefined;
      if (!row) continue;
      if (!size.admit(row)) {
        mark = receipts[index - 1]!.receipt; // the first row always fits, so index > 0
        break;
      }
      rows.push(row);
    }
  } else {
    const frequency = query.outputFrequency;
    const period = PERIOD_MS[frequency];
    const periodOf = (measurement: StoredMeasurement) => {
      const start = Math.floor(Date.parse(measurement.time) / period) * period;
      return { key: `${measurement.datasourceId}|${start}`, datasourceId: measurement.datasourceId, start };
    };
    const touched = new Map<string, { datasourceId: string; start: number }>();
    for (const measurement of receipts.filter(deliverable)) {
      const { key, ...touch } = periodOf(measurement);
      touched.set(key, touch);
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
    // A period's row computed up to the tentative mark has every metric it can have with a lower
    // one, so counting it bounds what is finally sent.
    const taken = new Set<string>();
    for (const [index, measurement] of receipts.entries()) {
      if (!deliverable(measurement)) continue;
      const { key } = periodOf(measurement);
      if (taken.has(key)) continue;
      const bound = meansUpTo(key, mark).flatMap((row) => selectRow(row, wanted) ?? []);
      if (bound.length > 0 && !size.admit(bound[0]!)) {
        mark = receipts[index - 1]!.receipt;
        break;
      }
      taken.add(key);
    }
    rows = [...taken].flatMap((key) => meansUpTo(key, mark));
  }
  rows = selectMetrics(rows, query.metricSelect);
  const inAnswer = new Set(rows.map((row) => row.datasourceId));
  return { rows, datasources: existing.filter((datasource) => inAnswer.has(datasource.datasourceId)), mark };
}
