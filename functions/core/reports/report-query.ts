import type { OutputFrequency } from '../platform/time';
/**
 * A report request, normalised, and how its work is split: pure, no I/O.
 */

export type ReportFileFormat = 'csv-wide' | 'parquet-wide';
/** Clarity's three reports: by datasource, by node, by reference site. */
export type ReportKind = 'datasource-measurements' | 'node-measurements' | 'reference-site-measurements';
/** How report files label metric columns (Clarity's `metricLabelStyle`). */
export type MetricLabelStyle = 'canonical' | 'english' | 'legacy';

/** What a report was asked for, as kept on the report and echoed in `query`. */
export interface ReportQuery {
  allDatasources: boolean;
  /** The datasources asked for; with `allDatasources`, those the org held when the report was requested (the echo's). */
  datasourceIds?: string[];
  /** The node or reference-site ids a node or reference-site report was asked for (resolved to `datasourceIds`). */
  nodeIds?: string[];
  refSiteIds?: string[];
  outputFrequency: OutputFrequency;
  /** Inclusive. */
  startTime: string;
  /** Exclusive. */
  endTime: string;
  metricSelect?: string;
  fileFormat: ReportFileFormat;
  qcAssessment?: boolean;
  qcFlags?: boolean;
  /** Absent: `canonical`. */
  metricLabelStyle?: MetricLabelStyle;
}

/** One unit of work: a datasource's rows over `[from, to)` (one calendar month at most). */
export interface PartPlan {
  index: number;
  datasourceId: string;
  from: string;
  to: string;
}

const PERIOD_MS = { hour: 3_600_000, day: 86_400_000 } as const;

/**
 * The span of measurement times a report reads: the window itself for minutes; for means, every
 * period that overlaps the window, whole (a mean is always over its whole period, as in the
 * recent query).
 */
export function readSpan(query: ReportQuery): { from: number; to: number } {
  const start = Date.parse(query.startTime);
  const end = Date.parse(query.endTime);
  if (query.outputFrequency === 'minute') return { from: start, to: end };
  const period = PERIOD_MS[query.outputFrequency];
  return { from: Math.floor(start / period) * period, to: Math.ceil(end / period) * period };
}

/** The start of the UTC calendar month after `ms`. */
function nextMonth(ms: number): number {
  const date = new Date(ms);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/**
 * Splits a report into parts: per datasource (in the order given), per UTC calendar month of
 * the span. Month bounds are day bounds, so a part never splits an hour or a day.
 */
export function planParts(query: ReportQuery, datasourceIds: readonly string[]): PartPlan[] {
  const { from, to } = readSpan(query);
  const parts: PartPlan[] = [];
  for (const datasourceId of datasourceIds) {
    for (let start = from; start < to; start = nextMonth(start)) {
      const end = Math.min(nextMonth(start), to);
      parts.push({ index: parts.length, datasourceId, from: new Date(start).toISOString(), to: new Date(end).toISOString() });
    }
  }
  return parts;
}

/** A report file of rows `[firstRow, endRow)` of the whole report (rows numbered across parts in order). */
export interface FilePlan {
  index: number;
  firstRow: number;
  endRow: number;
}

/** Splits `totalRows` into files of at most `rowsPerFile` rows; an empty report is one (empty) file. */
export function planFiles(totalRows: number, rowsPerFile: number): FilePlan[] {
  if (totalRows === 0) return [{ index: 0, firstRow: 0, endRow: 0 }];
  const files: FilePlan[] = [];
  for (let first = 0; first < totalRows; first += rowsPerFile) {
    files.push({ index: files.length, firstRow: first, endRow: Math.min(first + rowsPerFile, totalRows) });
  }
  return files;
}
