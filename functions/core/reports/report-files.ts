import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { csvWideHeader, csvWideTable, toCsvWide } from '../air-quality/csv-wide';
import { metricLabel } from '../air-quality/metric-labels';
import type { Datasource } from '../datasources/datasources';
import type { Row } from '../measurements/measurement-windows';
import type { ReportQuery } from './report-query';
import { wideRowsOf } from '../clarity/recent-answer';

/**
 * Report files in the csv-wide layout of the recent query, written by the recent query's own
 * code (`wideRowsOf`, then `toCsvWide` of ../core/air-quality/csv-wide.ts): gzip CSV, stored with
 * `Content-Encoding: gzip` and `Content-Type: text/csv`, so an HTTP client that decodes gzip
 * (browsers, curl --compressed, Python's requests) reads CSV; or the same table as a Parquet
 * file (`parquet-wide`): times as timestamps, coordinates and metric values as doubles, the
 * rest as strings.
 */

export interface ReportFile {
  body: Uint8Array;
  contentType: string;
  contentEncoding?: string;
  extension: string;
}

const TIME_COLUMNS = new Set(['time', 'startOfPeriod', 'endOfPeriod']);
const isNumberColumn = (name: string) =>
  name === 'locationLatitude' || name === 'locationLongitude' || name.endsWith('.raw') || name.endsWith('.value');

/** `canonical` names each column as the canonical header does, whatever the labels: the column types follow from it. */
function parquetOf(table: string[][], canonical: readonly string[]): Uint8Array {
  const [header = [], ...body] = table;
  const columnData = header.map((name, column): ColumnSource => {
    const cells = body.map((row) => row[column] ?? '');
    const kind = canonical[column] ?? name;
    if (TIME_COLUMNS.has(kind))
      return { name, data: cells.map((cell) => (cell === '' ? null : new Date(cell))), type: 'TIMESTAMP' };
    if (isNumberColumn(kind)) return { name, data: cells.map((cell) => (cell === '' ? null : Number(cell))), type: 'DOUBLE' };
    return { name, data: cells.map((cell) => (cell === '' ? null : cell)), type: 'STRING' };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData, codec: 'SNAPPY', createdBy: 'datagate report' }));
}

/**
 * One report file of `rows` (of `datasources`), with exactly the report's metric columns
 * `metrics` (the union over the whole report, so every file of a report has the same header).
 */
export function renderReportFile(
  query: Pick<ReportQuery, 'fileFormat' | 'outputFrequency' | 'qcAssessment' | 'qcFlags' | 'metricLabelStyle'>,
  rows: Row[],
  datasources: Datasource[],
  metrics: readonly string[],
): ReportFile {
  const options = {
    outputFrequency: query.outputFrequency,
    ...(query.qcAssessment ? { qcAssessment: true } : {}),
    ...(query.qcFlags ? { qcFlags: true } : {}),
    metrics,
  };
  const style = query.metricLabelStyle ?? 'canonical';
  const labelled = {
    ...options,
    label: (metric: string, attribute: Parameters<typeof metricLabel>[2]) => metricLabel(style, metric, attribute),
  };
  const wide = wideRowsOf({ rows, datasources }, { allDatasources: false, format: 'csv-wide', ...options });
  if (query.fileFormat === 'csv-wide') {
    return {
      body: gzipSync(toCsvWide(wide, labelled)),
      contentType: 'text/csv; charset=utf-8',
      contentEncoding: 'gzip',
      extension: 'csv',
    };
  }
  return {
    body: parquetOf(csvWideTable(wide, labelled), csvWideHeader(metrics, options)),
    contentType: 'application/vnd.apache.parquet',
    extension: 'parquet',
  };
}
