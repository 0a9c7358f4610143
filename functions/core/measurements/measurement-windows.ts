import { getMaxValuesPerAnswer } from '../platform/config';
import { DAY_MS, PERIOD_MS, type OutputFrequency } from '../platform/time';
import { metricFilter } from '../air-quality/metric-select';
import { metricAttributes } from '../air-quality/csv-wide';
import type { StoredReading } from '../air-quality/readings';

/**
 * The pure arithmetic of the recent-measurements query (contract section 6): windows, periods,
 * metric selection, and what fits in one answer (the derived metrics are ./air-quality/). No I/O: the reads are in
 * measurements.ts and recent-measurements.ts, which use these. The data schemas import the
 * limits from here too.
 */

/** Windows of the recent-measurements query, by output frequency. */
export const WINDOW_MS = { minute: DAY_MS, hour: 2 * DAY_MS, day: 10 * DAY_MS } as const satisfies Record<
  OutputFrequency,
  number
>;

/** Measurements expire (DynamoDB TTL) once older than the longest window. */
export const RETENTION_MS = WINDOW_MS.day;

/** How far in the future a measurement's time may be (device clocks drift a little). */
export const MAX_FUTURE_MS = 5 * 60_000;

/** At most this many measurements (or aggregated periods) in one answer; see docs/architecture.md. */
export const MAX_MEASUREMENTS_PER_ANSWER = 5000;

export type MeanFrequency = Exclude<OutputFrequency, 'minute'>;

/**
 * One measurement as stored: a datasource, a time (ISO 8601 UTC with milliseconds) and its
 * readings by minute name (a number, or raw, value, status and QC: ./air-quality/readings.ts).
 */
export interface Measurement {
  datasourceId: string;
  time: string;
  metrics: Record<string, StoredReading>;
}

/** A query as the continuation token keeps it: what was asked, normalised. */
export interface RecentQuery {
  allDatasources: boolean;
  datasourceIds?: string[];
  /** In a continuation token instead of `datasourceIds` when there are too many (./datasource-sets.ts). */
  datasourceSet?: string;
  outputFrequency: OutputFrequency;
  format: 'json-long' | 'csv-wide';
  startTime?: string;
  metricSelect?: string;
  /** Answer each metric's QC assessment / QC flags too (Clarity's `qcAssessment`, `qcFlags`). */
  qcAssessment?: boolean;
  qcFlags?: boolean;
  /** Decimal places of the locations answered (Clarity's `locationRounding`). */
  locationRounding?: number;
}

/**
 * One measurement (minute: its readings as stored) or one period's means (hour, day: numbers)
 * of one datasource.
 */
export interface Row {
  datasourceId: string;
  /** The measurement's time, or the start of the period. */
  time: string;
  endOfPeriod?: string;
  metrics: Record<string, StoredReading>;
}

export const iso = (millis: number) => new Date(millis).toISOString();

/** The start (epoch milliseconds) of the hour or day period that holds `time`. */
export function periodStart(time: string, frequency: MeanFrequency): number {
  const period = PERIOD_MS[frequency];
  return Math.floor(Date.parse(time) / period) * period;
}

/**
 * Start of the window (epoch milliseconds): 24 h back for minutes; whole UTC hours (48) or days
 * (10) for means, the current one included. `startTime` narrows it (aligned to its period).
 */
export function windowStart(frequency: OutputFrequency, now: number, startTime?: string): number {
  let start: number;
  if (frequency === 'minute') start = now - WINDOW_MS.minute;
  else {
    const period = PERIOD_MS[frequency];
    start = Math.floor(now / period) * period - (WINDOW_MS[frequency] - period);
  }
  if (startTime === undefined) return start;
  const alignedAsked = frequency === 'minute' ? Date.parse(startTime) : periodStart(startTime, frequency);
  return Math.max(start, alignedAsked);
}

/** Newest first; within a time, by datasource id. */
export const newestFirst = (a: Row, b: Row) =>
  a.time < b.time ? 1 : a.time > b.time ? -1 : a.datasourceId.localeCompare(b.datasourceId);

/** The row with only the metrics `wanted` keeps, or undefined when none is left. */
export function selectRow(row: Row, wanted: (metric: string) => boolean): Row | undefined {
  const metrics = Object.fromEntries(Object.entries(row.metrics).filter(([metric]) => wanted(metric)));
  return Object.keys(metrics).length > 0 ? { ...row, metrics } : undefined;
}

/** Applies `metricSelect` and drops rows left without metrics; sorts newest first. */
export function selectMetrics(rows: readonly Row[], metricSelect: string | undefined): Row[] {
  const wanted = metricFilter(metricSelect);
  return rows.flatMap((row) => selectRow(row, wanted) ?? []).sort(newestFirst);
}

/**
 * Keeps an answer within what one Lambda response can carry: at most MAX_MEASUREMENTS_PER_ANSWER
 * rows and getMaxValuesPerAnswer() values, counted as they will be serialized: in json-long one
 * `data` entry per metric of a row; in csv-wide one cell per row and metric attribute column
 * (`.raw`, `.status`, `.value`, and the qc ones when asked), the columns being every metric of
 * the answer (so a row that brings a new metric widens all the others).
 */
export class AnswerSize {
  private rows = 0;
  private values = 0;
  private readonly columns = new Set<string>();
  private readonly maxValues = getMaxValuesPerAnswer();
  private readonly format: RecentQuery['format'];
  private readonly cellsPerMetric: number;

  constructor(query: Pick<RecentQuery, 'format' | 'qcAssessment' | 'qcFlags'>) {
    this.format = query.format;
    this.cellsPerMetric = query.format === 'csv-wide' ? metricAttributes(query).length : 1;
  }

  /** Counts `row` in if it fits. The first row always does, so a continuation chain always moves on. */
  admit(row: Row): boolean {
    const metrics = Object.keys(row.metrics);
    const values =
      this.format === 'json-long'
        ? this.values + metrics.length
        : (this.rows + 1) *
          (this.columns.size + metrics.filter((metric) => !this.columns.has(metric)).length) *
          this.cellsPerMetric;
    if (this.rows > 0 && (values > this.maxValues || this.rows >= MAX_MEASUREMENTS_PER_ANSWER)) return false;
    this.rows += 1;
    this.values = values;
    for (const metric of metrics) this.columns.add(metric);
    return true;
  }
}
