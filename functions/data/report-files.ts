import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import type { Location } from '../core/datasources';
import type { Row } from '../core/measurement-windows';
import type { OutputFrequency, ReportFileFormat } from '../core/reports/report-query';
import { csvWideHeader, csvWideLine } from './recent-answer';

/**
 * Report files in the csv-wide layout of the recent query, written by the recent query's own
 * csv-wide writer: gzip CSV (stored with `Content-Encoding: gzip` and `Content-Type: text/csv`,
 * so an HTTP client that decodes gzip, as browsers, curl --compressed and Python's requests do,
 * reads CSV), or the same columns as a Parquet file (`parquet-wide`).
 */

/** A datasource's fields that csv-wide rows carry. */
export interface RowSource {
  sourceType?: string;
  location?: Location;
}

export interface ReportFile {
  body: Uint8Array;
  contentType: string;
  contentEncoding?: string;
  extension: string;
}

export function renderReportFile(
  format: ReportFileFormat,
  rows: readonly Row[],
  sources: ReadonlyMap<string, RowSource>,
  metrics: readonly string[],
  frequency: OutputFrequency,
): ReportFile {
  if (format === 'csv-wide') {
    const lines = [csvWideHeader(metrics, frequency), ...rows.map((row) => csvWideLine(row, sources.get(row.datasourceId), metrics, frequency))];
    return {
      body: gzipSync(lines.join('\n') + '\n'),
      contentType: 'text/csv; charset=utf-8',
      contentEncoding: 'gzip',
      extension: 'csv',
    };
  }
  const source = (row: Row) => sources.get(row.datasourceId);
  const timeColumns: ColumnSource[] =
    frequency === 'minute'
      ? [{ name: 'time', data: rows.map((row) => new Date(row.time)), type: 'TIMESTAMP', nullable: false }]
      : [
          { name: 'startOfPeriod', data: rows.map((row) => new Date(row.time)), type: 'TIMESTAMP', nullable: false },
          { name: 'endOfPeriod', data: rows.map((row) => new Date(row.endOfPeriod ?? row.time)), type: 'TIMESTAMP', nullable: false },
        ];
  const columnData: ColumnSource[] = [
    { name: 'datasourceId', data: rows.map((row) => row.datasourceId), type: 'STRING', nullable: false },
    { name: 'sourceType', data: rows.map((row) => source(row)?.sourceType ?? null), type: 'STRING' },
    { name: 'outputFrequency', data: rows.map(() => frequency), type: 'STRING', nullable: false },
    ...timeColumns,
    { name: 'locationLatitude', data: rows.map((row) => source(row)?.location?.lat ?? null), type: 'DOUBLE' },
    { name: 'locationLongitude', data: rows.map((row) => source(row)?.location?.lon ?? null), type: 'DOUBLE' },
    ...metrics.map((metric): ColumnSource => ({ name: metric, data: rows.map((row) => row.metrics[metric] ?? null), type: 'DOUBLE' })),
  ];
  return {
    body: new Uint8Array(parquetWriteBuffer({ columnData, codec: 'SNAPPY', createdBy: 'datagate report' })),
    contentType: 'application/vnd.apache.parquet',
    extension: 'parquet',
  };
}
