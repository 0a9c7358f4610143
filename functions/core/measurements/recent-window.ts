import { getMaxValuesPerStreamedAnswer, getRecentSliceRows } from '../platform/config';
import { getDatasources, listVisibleDatasources, type Datasource } from '../datasources/datasources';
import { AnswerTooLargeError, BadRequestError } from '../platform/errors';
import { HOUR_MS, MINUTE_MS } from '../platform/time';
import { readMeasurements, type ReceivedMeasurement } from './measurements';
import { readRollups } from './measurement-rollups';
import { dayRowsOf, hourRowsOf, periodsBetween } from './recent-measurements';
import { MINUTE_SUFFIX } from '../air-quality/catalogue';
import { metricAttributes } from '../air-quality/csv-wide';
import { metricFilter } from '../air-quality/metric-select';
import {
  MAX_FUTURE_MS,
  WINDOW_MS,
  iso,
  newestFirst,
  periodStart,
  windowStart,
  type RecentQuery,
  type Row,
} from './measurement-windows';
import { readListing } from '../store/table';

/**
 * The whole window of a recent query (contract section 10, "Whole answers"), read a slice at a
 * time so that an answer of any size the limit allows is written with flat memory.
 *
 * First the plan, before any byte of the answer: the datasources asked for (each must be
 * readable: 400 otherwise), and for `minute` the window's hourly aggregates of each datasource
 * (one small Query each: ./measurement-rollups.ts counts every metric's stored minutes per hour),
 * which give, without reading a minute, how many rows and values the answer holds (over the limit:
 * 413, before anything is sent), the metrics it names (csv-wide's header comes first), and the
 * slices: runs of whole hours, newest first, of about SLICE_ROWS rows each. Then the rows: each
 * slice is one Query per datasource that has minutes in it, merged newest first and handed on
 * before the next slice is read. A minute answer of a few datasources, whose usual windows fit in
 * one slice together, skips the aggregates: its minutes are read whole at once, before any byte,
 * and counted exactly (`wholeWindowAtOnce`). `hour` and `day` answers are derived from the
 * aggregates (at most 49 or 10 rows a datasource) and come as one slice.
 */

/** Rows read and held at once while answering (a slice): ../platform/config.ts. */
const sliceRows = getRecentSliceRows;
/** Datasources read at once. */
const CONCURRENCY = 16;
const DATASOURCE_PAGE = 100;

export interface RecentPlan {
  /** The datasources asked for, that the application may read. */
  datasources: Datasource[];
  /** The metrics the answer holds (selected), sorted: csv-wide's columns. */
  metrics: string[];
  /** Rows and json-long values the answer holds (for `minute`, from the aggregates: an upper bound). */
  rows: number;
  values: number;
  /** The rows, slice by slice, newest first. */
  slices(): AsyncGenerator<Row[]>;
}

/** The datasources a query asks for: the org's visible list (paged), or the listed ids, each readable (400 otherwise). */
async function requestedDatasources(orgId: string, visible: 'all' | Set<string>, query: RecentQuery): Promise<Datasource[]> {
  if (query.allDatasources) {
    const all: Datasource[] = [];
    await readListing(
      async (limit, nextToken) => {
        const page = await listVisibleDatasources(orgId, visible, limit, nextToken);
        all.push(...page.items);
        return { items: [], ...(page.nextToken ? { nextToken: page.nextToken } : {}) };
      },
      {},
      Infinity,
      DATASOURCE_PAGE,
    );
    return all;
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
  return found;
}

/** Runs `work` on every item, CONCURRENCY at a time; answers the results in order. */
async function eachAtOnce<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}

/**
 * A predicate on metric names that decides each name once: an answer repeats a handful of names
 * hundreds of thousands of times, and the selector's globs are regular expressions.
 */
function cachedFilter(metricSelect: string | undefined): (metric: string) => boolean {
  const wanted = metricFilter(metricSelect);
  const known = new Map<string, boolean>();
  return (metric) => {
    let selected = known.get(metric);
    if (selected === undefined) known.set(metric, (selected = wanted(metric)));
    return selected;
  };
}

/** The row with only the wanted metrics (the same object when it keeps them all), or undefined when none is left. */
function selected(row: Row, wanted: (metric: string) => boolean): Row | undefined {
  let count = 0;
  const names = Object.keys(row.metrics);
  for (const name of names) {
    if (wanted(name)) count += 1;
  }
  if (count === names.length) return count > 0 ? row : undefined;
  if (count === 0) return undefined;
  const kept: Record<string, Row['metrics'][string]> = {};
  for (const name of names) if (wanted(name)) kept[name] = row.metrics[name]!;
  return { ...row, metrics: kept };
}

/** How a query's size is counted against the limit: json-long entries, or csv-wide cells. */
function valuesOf(query: RecentQuery, rows: number, values: number, metrics: number): number {
  return query.format === 'csv-wide' ? rows * metrics * metricAttributes(query).length : values;
}

function refuseOverLimit(query: RecentQuery, rows: number, values: number, metrics: number): void {
  const limit = getMaxValuesPerStreamedAnswer();
  const size = valuesOf(query, rows, values, metrics);
  if (size <= limit) return;
  const unit = query.format === 'csv-wide' ? 'csv-wide cells' : 'json-long values';
  throw new AnswerTooLargeError(
    `This query's answer would hold about ${size} ${unit}; one answer holds at most ${limit}. ` +
      'Ask for fewer datasources, a later startTime or fewer metrics (metricSelect), or request a report (POST /v2/report-requests).',
  );
}

/** Whole UTC hours from the one holding `from` to the one holding `to`, newest first. */
function hoursNewestFirst(from: number, to: number): number[] {
  const hours: number[] = [];
  for (let hour = Math.floor(to / HOUR_MS) * HOUR_MS; hour >= Math.floor(from / HOUR_MS) * HOUR_MS; hour -= HOUR_MS)
    hours.push(hour);
  return hours;
}

/**
 * The rows of datasources' minutes as read (one list each, newest first), without those received
 * after `mark` and with only the wanted metrics, newest first: one list is already in order, so
 * only several are sorted together.
 */
function mergedRows(
  read: readonly ReceivedMeasurement[][],
  wanted: (metric: string) => boolean,
  mark: string | undefined,
): Row[] {
  const rows: Row[] = [];
  for (const measurements of read) {
    for (const measurement of measurements) {
      if (mark !== undefined && measurement.receipt > mark) continue;
      const row = selected(measurement, wanted);
      if (row) rows.push(row);
    }
  }
  if (read.length > 1) rows.sort(newestFirst);
  return rows;
}

/** The metrics that rows name (sorted: csv-wide's header) and how many values they hold. */
function tally(rows: readonly Row[]): { metrics: string[]; values: number } {
  const metrics = new Set<string>();
  let values = 0;
  for (const row of rows) {
    for (const metric in row.metrics) {
      metrics.add(metric);
      values += 1;
    }
  }
  return { metrics: [...metrics].sort(), values };
}

/**
 * Rows a datasource's minute window holds when it reports once a minute at most: the 24 hours
 * and the MAX_FUTURE_MS ahead, both ends included (a reading's time may hold seconds, so this is
 * what is usual, not a bound).
 */
const MINUTES_IN_WINDOW = (WINDOW_MS.minute + MAX_FUTURE_MS) / MINUTE_MS + 1;

/**
 * The minute answer of a few datasources, read whole before any byte is sent: when each
 * datasource's usual window (MINUTES_IN_WINDOW rows) fits in one slice together, the minutes are
 * read at once, at most that many and one more per datasource, instead of planning from the
 * hourly aggregates first. One Query per datasource instead of two (the aggregates' Query was a
 * third of the requests of a one-datasource answer, and most of its CPU above its floor:
 * docs/performance.md), and the answer's size, metrics (csv-wide's header) and limit are counted
 * exactly from the rows themselves. Undefined, having read nothing, for more datasources than
 * that; undefined, the reads dropped, when a datasource holds more than that (readings more often
 * than once a minute): then the aggregates plan the slices as for any large answer.
 */
async function wholeWindowAtOnce(
  datasources: readonly Datasource[],
  from: number,
  to: number,
  query: RecentQuery,
  wanted: (metric: string) => boolean,
  mark: string | undefined,
): Promise<RecentPlan | undefined> {
  if (datasources.length === 0 || datasources.length * MINUTES_IN_WINDOW > sliceRows()) return undefined;
  const read = await eachAtOnce(datasources, (datasource) =>
    readMeasurements(datasource.datasourceId, iso(from), iso(to), MINUTES_IN_WINDOW + 1),
  );
  if (read.some((measurements) => measurements.length > MINUTES_IN_WINDOW)) return undefined;
  const rows = mergedRows(read, wanted, mark);
  const { metrics, values } = tally(rows);
  refuseOverLimit(query, rows.length, values, metrics.length);
  return {
    datasources: [...datasources],
    metrics,
    rows: rows.length,
    values,
    async *slices() {
      if (rows.length > 0) yield rows;
    },
  };
}

/**
 * Plans the whole answer of a recent query (see the module comment); 400 for a datasource that
 * cannot be read, 413 for an answer over the limit. `mark`: rows received after it are left to
 * the first continuation (the settle lag of a query that asked for a token).
 */
export async function planRecentAnswer(
  orgId: string,
  visible: 'all' | Set<string>,
  query: RecentQuery,
  { now = Date.now(), mark }: { now?: number; mark?: string } = {},
): Promise<RecentPlan> {
  const datasources = await requestedDatasources(orgId, visible, query);
  const from = windowStart(query.outputFrequency, now, query.startTime);
  const wanted = cachedFilter(query.metricSelect);
  if (query.outputFrequency !== 'minute') {
    const frequency = query.outputFrequency;
    const perDatasource = await eachAtOnce(datasources, (datasource) =>
      frequency === 'hour'
        ? hourRowsOf(datasource.datasourceId, periodsBetween(from, now, 'hour'))
        : dayRowsOf(datasource.datasourceId, periodStart(iso(from), 'day'), now),
    );
    const rows = perDatasource.flat().flatMap((row) => selected(row, wanted) ?? []);
    rows.sort(newestFirst);
    const { metrics, values } = tally(rows);
    refuseOverLimit(query, rows.length, values, metrics.length);
    return {
      datasources,
      metrics,
      rows: rows.length,
      values,
      async *slices() {
        if (rows.length > 0) yield rows;
      },
    };
  }

  // Minutes. A few datasources are read whole at once when their windows fit in one slice.
  const atOnce = await wholeWindowAtOnce(datasources, from, now + MAX_FUTURE_MS, query, wanted, mark);
  if (atOnce) return atOnce;

  // Otherwise the hourly aggregates say what the window holds, per datasource and hour.
  const hours = hoursNewestFirst(from, now + MAX_FUTURE_MS);
  const rowsInHour = new Map<number, number>(hours.map((hour) => [hour, 0]));
  const datasourcesInHour = new Map<number, Set<string>>(hours.map((hour) => [hour, new Set()]));
  const metrics = new Set<string>();
  let rowCount = 0;
  let values = 0;
  // No hour at all when `startTime` is past the newest hour a reading may have (a 500 the fuzz
  // suite found: the window's bounds were undefined): nothing to read, an empty answer.
  const aggregates =
    hours.length === 0
      ? datasources.map(() => [])
      : await eachAtOnce(datasources, (datasource) =>
          readRollups(datasource.datasourceId, 'hour', hours[hours.length - 1]!, hours[0]!),
        );
  datasources.forEach((datasource, index) => {
    for (const { start, totals } of aggregates[index]!) {
      let rows = 0;
      for (const [base, { count, nulls = 0 }] of Object.entries(totals)) {
        // Readings without a value (calibration missing) are answered too, raw.
        const readings = count + nulls;
        if (readings <= 0) continue;
        rows = Math.max(rows, readings);
        const metric = `${base}${MINUTE_SUFFIX}`;
        if (!wanted(metric)) continue;
        metrics.add(metric);
        values += readings;
      }
      if (rows === 0 || !rowsInHour.has(start)) continue;
      rowsInHour.set(start, rowsInHour.get(start)! + rows);
      datasourcesInHour.get(start)!.add(datasource.datasourceId);
      rowCount += rows;
    }
  });
  refuseOverLimit(query, rowCount, values, metrics.size);

  // Slices: runs of whole hours, newest first, of about SLICE_ROWS rows. The newest slice reaches
  // MAX_FUTURE_MS ahead and reads every datasource: an ingest in flight may not have added to its hour yet.
  const SLICE_ROWS = sliceRows();
  const slices: { from: number; to: number; datasourceIds: Set<string> }[] = [];
  let current: { from: number; to: number; datasourceIds: Set<string>; rows: number } | undefined;
  for (const hour of hours) {
    const rows = rowsInHour.get(hour)!;
    if (!current || (current.rows > 0 && current.rows + rows > SLICE_ROWS)) {
      if (current) slices.push(current);
      const newest = slices.length === 0;
      current = {
        from: hour,
        to: newest ? now + MAX_FUTURE_MS : hour + HOUR_MS - 1,
        datasourceIds: newest ? new Set(datasources.map((datasource) => datasource.datasourceId)) : new Set(),
        rows: 0,
      };
    }
    current.from = hour;
    current.rows += rows;
    for (const id of datasourcesInHour.get(hour)!) current.datasourceIds.add(id);
  }
  if (current) slices.push(current);
  const last = slices[slices.length - 1];
  if (last) last.from = Math.max(last.from, from);

  return {
    datasources,
    metrics: [...metrics].sort(),
    rows: rowCount,
    values,
    async *slices() {
      for (const slice of slices) {
        if (slice.from > slice.to) continue;
        const [sliceFrom, sliceTo] = [iso(slice.from), iso(slice.to)];
        const read = await eachAtOnce([...slice.datasourceIds], (datasourceId) =>
          readMeasurements(datasourceId, sliceFrom, sliceTo, Infinity),
        );
        const rows = mergedRows(read, wanted, mark);
        if (rows.length > 0) yield rows;
      }
    },
  };
}
