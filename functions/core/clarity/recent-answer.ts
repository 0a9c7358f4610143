import type { ApplicationPrincipal } from '../identity/principal';
import { signContinuationToken } from '../measurements/continuation-tokens';
import { INLINE_IDS, saveDatasourceSet } from '../datasources/datasource-sets';
import type { StreamedReply } from '../http/reply';
import type { Datasource } from '../datasources/datasources';
import type { RecentQuery, Row } from '../measurements/measurement-windows';
import { csvCell, csvWideHeader, type MetricCell, type WideRow } from '../air-quality/csv-wide';
import { readingOf, type StoredReading } from '../air-quality/readings';
import { CONTINUATION_HEADER } from './v2-schemas';
import { currentSourceId } from './v2-datasources';

/**
 * Renders a recent-measurements answer as Clarity v2 clients read it, written as its rows
 * arrive: `json-long` (one object per metric of a row, then `locations`) or `csv-wide` (Clarity's
 * layout, ../air-quality/csv-wide.ts: the header first, so its metric columns are known
 * before the first row), with the continuation token in `x-clarity-continuation-token` when one
 * was asked for. Text is built by hand, not by JSON.stringify of objects: an answer holds
 * hundreds of thousands of values, and this path is the query's CPU (docs/performance.md).
 */

/**
 * A reading is answered as it was sent (../air-quality/readings.ts): `raw`, `value` (null
 * while a calibration is missing), `status`, and the QC attributes when the query asks for them.
 * A reading sent without QC attributes, and every mean, is assessed `valid` with no flags, which
 * is how Clarity assesses a value no flag applies to.
 */
const QC_ASSESSMENT = 'valid';
const STATUS = 'sensor-ready';
type Reading = StoredReading;

/** The cell of one reading (a minute's, as stored) or one mean (a number). */
export function cellOf(stored: StoredReading, query: Pick<RecentQuery, 'qcAssessment' | 'qcFlags'>): MetricCell {
  const { raw, value, status, qcAssessment, qcFlags } = readingOf(stored);
  return {
    raw,
    value,
    status,
    ...(query.qcAssessment ? { qcAssessment: qcAssessment ?? QC_ASSESSMENT } : {}),
    ...(query.qcFlags ? { qcFlags: qcFlags ?? [] } : {}),
  };
}

const roundTo = (value: number, decimals: number | undefined) =>
  decimals === undefined ? value : Number(value.toFixed(decimals));

/** What an answer is made of: its datasources, its metrics when known first (csv-wide's header), and its rows in order. */
export interface AnswerRows {
  datasources: readonly Datasource[];
  /** The answer's metrics, sorted; computed from the rows when absent (then the rows are held whole). */
  metrics?: readonly string[];
  slices(): AsyncIterable<Row[]>;
}

/** A number as JSON writes it (finite: DynamoDB stores no other). */
const jsonNumber = (value: number | null) => (value === null ? 'null' : String(value));

/** The json-long attributes of a reading, after `"metric":...,`, without the closing brace. */
function jsonReading(reading: Reading, qcAssessment: boolean, qcFlags: boolean): string {
  if (typeof reading === 'number') {
    const n = String(reading);
    return `"value":${n},"raw":${n},"status":"${STATUS}"${qcAssessment ? `,"qcAssessment":"${QC_ASSESSMENT}"` : ''}${qcFlags ? ',"qcFlags":[]' : ''}`;
  }
  const cell = cellOf(reading, { qcAssessment, qcFlags });
  return (
    `"value":${jsonNumber(cell.value)},"raw":${jsonNumber(cell.raw)},"status":${JSON.stringify(cell.status)}` +
    (qcAssessment ? `,"qcAssessment":${JSON.stringify(cell.qcAssessment)}` : '') +
    (qcFlags ? `,"qcFlags":${JSON.stringify(cell.qcFlags)}` : '')
  );
}

/** The csv-wide cells of a reading (`.qcAssessment, .qcFlags` when asked, `.raw, .status, .value`), each after a comma. */
function csvReading(reading: Reading | undefined, qcAssessment: boolean, qcFlags: boolean, empty: string): string {
  if (reading === undefined) return empty;
  if (typeof reading === 'number') {
    const n = String(reading);
    return `${qcAssessment ? `,${QC_ASSESSMENT}` : ''}${qcFlags ? ',[]' : ''},${n},${STATUS},${n}`;
  }
  const cell = cellOf(reading, { qcAssessment, qcFlags });
  const number = (value: number | null) => (value === null ? '' : String(value));
  return (
    (qcAssessment ? `,${csvCell(cell.qcAssessment ?? '')}` : '') +
    (qcFlags ? `,${csvCell(JSON.stringify(cell.qcFlags ?? []))}` : '') +
    `,${number(cell.raw)},${csvCell(cell.status)},${number(cell.value)}`
  );
}

/**
 * Characters of text rendered before a chunk is handed on (the whole rows that reach it). Kept
 * well under 128 KiB: a chunk is built by `+=`, a rope of thousands of pieces that becomes one
 * flat string when it is written out as bytes, and V8 allocates a string over its largest regular
 * object (128 KiB) in its large-object space, fresh pages each time. Flattening and encoding the
 * day of one datasource (1.1 MB of json-long) in chunks of 1,000 rows (about 800 KB each) took
 * about 6 ms of CPU on the bench machine; in chunks of this size, under 1 ms (docs/performance.md).
 */
const CHUNK_CHARS = 32 * 1024;

/** The metrics of rows, sorted (for answers whose rows are all at hand). */
function metricsOfRows(rows: readonly Row[]): string[] {
  const metrics = new Set<string>();
  for (const row of rows) for (const metric in row.metrics) metrics.add(metric);
  return [...metrics].sort();
}

async function* jsonLongChunks(answer: AnswerRows, query: RecentQuery, request: Record<string, unknown>): AsyncGenerator<string> {
  const qcAssessment = query.qcAssessment === true;
  const qcFlags = query.qcFlags === true;
  const seen = new Set<string>();
  const metricPrefix = new Map<string, string>();
  const prefixOf = (metric: string) => {
    let prefix = metricPrefix.get(metric);
    if (prefix === undefined) metricPrefix.set(metric, (prefix = `"metric":${JSON.stringify(metric)},`));
    return prefix;
  };
  let text = `{"request":${JSON.stringify(request)},"data":[`;
  let first = true;
  for await (const rows of answer.slices()) {
    for (const row of rows) {
      seen.add(row.datasourceId);
      const head =
        `{"datasourceId":${JSON.stringify(row.datasourceId)},"time":"${row.time}",` +
        (row.endOfPeriod ? `"startOfPeriod":"${row.time}","endOfPeriod":"${row.endOfPeriod}",` : '');
      const metrics = row.metrics;
      for (const metric of Object.keys(metrics).sort()) {
        text += `${first ? '' : ','}${head}${prefixOf(metric)}${jsonReading(metrics[metric]!, qcAssessment, qcFlags)}}`;
        first = false;
      }
      if (text.length >= CHUNK_CHARS) {
        yield text;
        text = '';
      }
    }
  }
  const locations = answer.datasources.flatMap(({ datasourceId, location }) =>
    location && seen.has(datasourceId)
      ? [{ datasourceId, lat: roundTo(location.lat, query.locationRounding), lon: roundTo(location.lon, query.locationRounding) }]
      : [],
  );
  yield `${text}],"locations":${JSON.stringify(locations)}}`;
}

async function* csvWideChunks(answer: AnswerRows, query: RecentQuery): AsyncGenerator<string> {
  const qcAssessment = query.qcAssessment === true;
  const qcFlags = query.qcFlags === true;
  let slices: AsyncIterable<Row[]> = answer.slices();
  let metrics = answer.metrics;
  if (metrics === undefined) {
    const rows: Row[] = [];
    for await (const slice of slices) rows.push(...slice);
    metrics = metricsOfRows(rows);
    slices = (async function* () {
      yield rows;
    })();
  }
  const options = { outputFrequency: query.outputFrequency, qcAssessment, qcFlags };
  const columns = new Set(metrics);
  const empty = ','.repeat(2 + (qcAssessment ? 1 : 0) + (qcFlags ? 1 : 0) + 1);
  const byId = new Map(answer.datasources.map((datasource) => [datasource.datasourceId, datasource]));
  // The cells that depend only on the datasource, made once per datasource.
  const prefixes = new Map<string, { before: string; location: string }>();
  const prefixOf = (datasourceId: string) => {
    let prefix = prefixes.get(datasourceId);
    if (prefix === undefined) {
      const datasource = byId.get(datasourceId);
      const location = datasource?.location;
      prefix = {
        before: `${csvCell(datasourceId)},${csvCell(currentSourceId(datasourceId))},${csvCell(datasource?.sourceType ?? '')},${query.outputFrequency},`,
        location: location
          ? `,${roundTo(location.lat, query.locationRounding)},${roundTo(location.lon, query.locationRounding)}`
          : ',,',
      };
      prefixes.set(datasourceId, prefix);
    }
    return prefix;
  };
  let text = `${csvWideHeader(metrics, options).map(csvCell).join(',')}\n`;
  for await (const rows of slices) {
    for (const row of rows) {
      const { before, location } = prefixOf(row.datasourceId);
      text += before + row.time + (query.outputFrequency === 'minute' ? '' : `,${row.endOfPeriod ?? ''}`) + location;
      const readings = row.metrics;
      for (const metric of metrics) text += csvReading(readings[metric], qcAssessment, qcFlags, empty);
      for (const metric in readings) {
        // The header was written from the hourly aggregates; a metric they did not know (an ingest in
        // flight) cannot be added to it: the answer is broken off rather than sent without it.
        if (!columns.has(metric)) throw new Error(`A row holds ${metric}, which the csv-wide header does not name.`);
      }
      text += '\n';
      if (text.length >= CHUNK_CHARS) {
        yield text;
        text = '';
      }
    }
  }
  if (text !== '') yield text;
}

/** The answer's text, chunk by chunk, in the query's format. */
export function recentAnswerChunks(
  answer: AnswerRows,
  query: RecentQuery,
  request: Record<string, unknown>,
): AsyncGenerator<string> {
  return query.format === 'csv-wide' ? csvWideChunks(answer, query) : jsonLongChunks(answer, query, request);
}

/** The csv-wide rows of an answer (report files): source ids, source types and locations from its datasources. */
export function wideRowsOf(answer: { rows: Row[]; datasources: Datasource[] }, query: RecentQuery): WideRow[] {
  const byId = new Map(answer.datasources.map((datasource) => [datasource.datasourceId, datasource]));
  return answer.rows.map((row: Row) => {
    const datasource = byId.get(row.datasourceId);
    return {
      datasourceId: row.datasourceId,
      sourceId: currentSourceId(row.datasourceId),
      ...(datasource ? { sourceType: datasource.sourceType } : {}),
      outputFrequency: query.outputFrequency,
      time: row.time,
      ...(row.endOfPeriod ? { endOfPeriod: row.endOfPeriod } : {}),
      ...(datasource?.location
        ? {
            latitude: roundTo(datasource.location.lat, query.locationRounding),
            longitude: roundTo(datasource.location.lon, query.locationRounding),
          }
        : {}),
      metrics: Object.fromEntries(Object.entries(row.metrics).map(([metric, reading]) => [metric, cellOf(reading, query)])),
    };
  });
}

/** The query as a token carries it: a long datasource list is stored once and named by its digest. */
async function tokenQuery(query: RecentQuery): Promise<RecentQuery> {
  if (!query.datasourceIds || query.datasourceIds.length <= INLINE_IDS) return query;
  const { datasourceIds, ...rest } = query;
  return { ...rest, datasourceSet: await saveDatasourceSet(datasourceIds) };
}

/**
 * The streamed reply to a query or a continuation. `request` is echoed in json-long answers. With
 * `mark` (the query asked for a token, or a continuation), a fresh token that resumes after it is
 * in the header: what is new since this answer.
 */
export async function recentMeasurementsReply(
  principal: ApplicationPrincipal,
  org: string,
  query: RecentQuery,
  answer: AnswerRows,
  { request, mark }: { request: Record<string, unknown>; mark?: string },
): Promise<StreamedReply> {
  const headers: Record<string, string> = {};
  if (mark !== undefined) {
    headers[CONTINUATION_HEADER] = await signContinuationToken(principal.applicationId, {
      org,
      query: await tokenQuery(query),
      mark,
    });
    headers['Access-Control-Expose-Headers'] = CONTINUATION_HEADER;
  }
  return {
    status: 200,
    contentType: query.format === 'csv-wide' ? 'text/csv; charset=utf-8' : 'application/json',
    headers,
    chunks: recentAnswerChunks(answer, query, request),
  };
}
