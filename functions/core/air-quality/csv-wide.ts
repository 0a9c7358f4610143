import type { OutputFrequency } from '../platform/time';

/**
 * The csv-wide layout, as Clarity writes it (pure; the recent query and the report files share it).
 *
 * Sources: the Clarity API guide, "Metrics in measurements" (tabular answers carry each metric's
 * attributes as dot-notation columns `metric.raw`, `metric.value`, `metric.status`, and the qc
 * columns when asked), and a real Clarity csv-wide export (test/fixtures/clarity-csv-wide-minute-sample.csv, from
 * healthyregions/clarity-aq-pipeline), whose header this module reproduces exactly:
 * - leading columns `datasourceId, sourceId, sourceType, outputFrequency`, then `time` (minute)
 *   or `startOfPeriod, endOfPeriod` (means), then `locationLatitude, locationLongitude`;
 * - then every metric of the answer in alphabetical order, each with its attributes in
 *   alphabetical order: `.qcAssessment`, `.qcFlags` (only when asked), `.raw`, `.status`, `.value`;
 * - an empty cell where a row has no such metric or attribute; `qcFlags` as a JSON list (`[]`);
 *   times in ISO 8601 with milliseconds.
 */

/** One metric's attributes in a row. `value` is null when there is none (e.g. calibration missing). */
export interface MetricCell {
  raw: number | null;
  value: number | null;
  status: string;
  qcAssessment?: string;
  qcFlags?: readonly string[];
}

/** One csv-wide row: one datasource at one time (or period). */
export interface WideRow {
  datasourceId: string;
  sourceId?: string;
  sourceType?: string;
  outputFrequency: OutputFrequency;
  /** The measurement's time, or the start of the period for means. */
  time: string;
  /** The end of the period, for means. */
  endOfPeriod?: string;
  latitude?: number;
  longitude?: number;
  metrics: Readonly<Record<string, MetricCell>>;
}

export interface CsvWideOptions {
  outputFrequency: OutputFrequency;
  qcAssessment?: boolean;
  qcFlags?: boolean;
  /** Metric columns to write; default: every metric found in the rows. Written in alphabetical order. */
  metrics?: readonly string[];
  /** The header label of a metric's attribute column; default `<metric>.<attribute>` (Clarity's `canonical`). */
  label?: (metric: string, attribute: keyof MetricCell) => string;
}

/** The attributes written per metric, in Clarity's (alphabetical) order. */
export function metricAttributes(options: Pick<CsvWideOptions, 'qcAssessment' | 'qcFlags'>): (keyof MetricCell)[] {
  return [
    ...(options.qcAssessment ? (['qcAssessment'] as const) : []),
    ...(options.qcFlags ? (['qcFlags'] as const) : []),
    'raw',
    'status',
    'value',
  ];
}

/** Sorts as Clarity's export does: by UTF-16 code units (`pm10...` before `pm1...` before `pm2_5...`). */
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The metric columns of `rows`: every metric any row carries, sorted. */
export function metricColumns(rows: readonly WideRow[]): string[] {
  return [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort(byCodeUnits);
}

/** The header cells for the given metrics. */
export function csvWideHeader(metrics: readonly string[], options: CsvWideOptions): string[] {
  const times = options.outputFrequency === 'minute' ? ['time'] : ['startOfPeriod', 'endOfPeriod'];
  const attributes = metricAttributes(options);
  const label = options.label ?? ((metric: string, attribute: keyof MetricCell) => `${metric}.${attribute}`);
  return [
    'datasourceId',
    'sourceId',
    'sourceType',
    'outputFrequency',
    ...times,
    'locationLatitude',
    'locationLongitude',
    ...[...metrics].sort(byCodeUnits).flatMap((metric) => attributes.map((attribute) => label(metric, attribute))),
  ];
}

function attributeText(cell: MetricCell | undefined, attribute: keyof MetricCell): string {
  const value = cell?.[attribute];
  if (value === undefined || value === null) return '';
  if (attribute === 'qcFlags') return JSON.stringify(value);
  return String(value);
}

/** Header and rows as cell texts (unquoted), for writers of other formats (e.g. Parquet). */
export function csvWideTable(rows: readonly WideRow[], options: CsvWideOptions): string[][] {
  const metrics = options.metrics ? [...options.metrics].sort(byCodeUnits) : metricColumns(rows);
  const attributes = metricAttributes(options);
  const optional = (value: string | number | undefined) => (value === undefined ? '' : String(value));
  const body = rows.map((row) => [
    row.datasourceId,
    optional(row.sourceId),
    optional(row.sourceType),
    row.outputFrequency,
    ...(options.outputFrequency === 'minute' ? [row.time] : [row.time, optional(row.endOfPeriod)]),
    optional(row.latitude),
    optional(row.longitude),
    ...metrics.flatMap((metric) => attributes.map((attribute) => attributeText(row.metrics[metric], attribute))),
  ]);
  return [csvWideHeader(metrics, options), ...body];
}

/** What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A number as JavaScript writes one (`-5.45`, `1e-7`): a spreadsheet reads it as that number, never a formula. */
const NUMBER_TEXT = /^-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i;

/**
 * A cell a spreadsheet shows as text, never runs: free text that would begin a formula (a
 * stored `sourceType`, a sender's `qcAssessment`) gets a leading `'`; numbers (a reading of
 * `-5.45`) are left as they are.
 */
export function formulaSafe(text: string): string {
  return FORMULA_START.test(text) && !NUMBER_TEXT.test(text) ? `'${text}` : text;
}

/**
 * One cell of every CSV Datagate writes: made formula-safe, then RFC 4180 quoting (only cells
 * holding a comma, quote or line break are quoted).
 */
export function csvCell(text: string): string {
  const safe = formulaSafe(text);
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The csv-wide text of `rows` (header first, `\n` line ends, a final line end). */
export function toCsvWide(rows: readonly WideRow[], options: CsvWideOptions): string {
  return (
    csvWideTable(rows, options)
      .map((cells) => cells.map(csvCell).join(','))
      .join('\n') + '\n'
  );
}
