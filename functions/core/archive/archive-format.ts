import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { DAY_MS } from '../platform/time';
import {
  READING_STATUSES,
  readingOf,
  storedReadingOf,
  valueOf,
  type ReadingStatus,
  type StoredReading,
} from '../air-quality/readings';

/**
 * The archive's file format: one Parquet file per org, datasource and UTC day,
 * `archive/org=<orgId>/datasource=<datasourceId>/day=<YYYY-MM-DD>.parquet`, so that a report
 * reads only the orgs, datasources and days it needs. Columns: `time` (timestamp, ms, UTC) and
 * one column per metric holding each reading's `value`. A metric of the day with a reading that is
 * more than a sensor-ready number (../air-quality/readings.ts) also has the columns
 * `<metric>.raw`, `<metric>.status` and, when any reading has them, `<metric>.qcAssessment` and
 * `<metric>.qcFlags` (JSON), Clarity's dot-notation; a row holds such a metric when its status
 * is set. A metric whose numbers all have at most 4 decimals (sensor values
 * do) is stored as a scaled integer (Parquet DECIMAL on INT32), delta encoded
 * (DELTA_BINARY_PACKED): consecutive minutes differ little, so most values take a byte or two.
 * Other metrics are DOUBLE. Pages are Snappy compressed. Any Parquet reader (pandas, DuckDB,
 * Athena) reads the files; see docs/architecture.md.
 */

/** One archived measurement: its time and readings (as stored in DynamoDB). */
export interface ArchivedMinute {
  /** ISO 8601 UTC with milliseconds. */
  time: string;
  metrics: Record<string, StoredReading>;
}

const MAX_SCALE = 4;
const INT32_LIMIT = 2 ** 31 - 1;

/** The S3 key of one datasource's day. */
export function archiveDayKey(orgId: string, datasourceId: string, day: string): string {
  return `archive/org=${orgId}/datasource=${datasourceId}/day=${day}.parquet`;
}

/** `2026-11-28T10:00:00.000Z` → `2026-11-28`. */
export const dayOf = (time: string | number) => new Date(time).toISOString().slice(0, 10);

/** The UTC days that `[from, to)` touches, oldest first. */
export function daysBetween(fromMs: number, toMs: number): string[] {
  const days: string[] = [];
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) days.push(dayOf(day));
  return days;
}

/** The smallest number of decimals that holds every value exactly, if it fits a scaled INT32. */
function decimalScale(values: readonly (number | null | undefined)[]): number | undefined {
  for (let scale = 0; scale <= MAX_SCALE; scale++) {
    const factor = 10 ** scale;
    const fits = values.every((value) => {
      if (value === undefined || value === null) return true;
      const scaled = Math.round(value * factor);
      return Math.abs(scaled) <= INT32_LIMIT && scaled / factor === value;
    });
    if (fits) return scale;
  }
  return undefined;
}

/** A numeric column: scaled INT32 when every number fits, else DOUBLE. */
function numberColumn(
  name: string,
  values: readonly (number | null | undefined)[],
  schema: Record<string, unknown>[],
  columnData: ColumnSource[],
) {
  const scale = decimalScale(values);
  const data = values.map((value) => (value === undefined ? null : value));
  if (scale === undefined) {
    schema.push({ name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
    columnData.push({ name, data });
  } else {
    schema.push({ name, type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'DECIMAL', scale, precision: 9 });
    columnData.push({ name, data, encoding: 'DELTA_BINARY_PACKED' });
  }
}

function textColumn(
  name: string,
  values: readonly (string | undefined)[],
  schema: Record<string, unknown>[],
  columnData: ColumnSource[],
) {
  schema.push({ name, type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL', converted_type: 'UTF8' });
  columnData.push({ name, data: values.map((value) => value ?? null) });
}

/** Encodes one day of a datasource (any order; one row per time) as a Parquet file. */
export function encodeArchiveDay(minutes: readonly ArchivedMinute[]): Uint8Array {
  const ordered = [...minutes].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const metrics = [...new Set(ordered.flatMap((minute) => Object.keys(minute.metrics)))].sort();
  const schema: Record<string, unknown>[] = [
    { name: 'root', num_children: 0 },
    { name: 'time', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'TIMESTAMP_MILLIS' },
  ];
  const columnData: ColumnSource[] = [
    { name: 'time', data: ordered.map((minute) => BigInt(Date.parse(minute.time))), encoding: 'DELTA_BINARY_PACKED' },
  ];
  for (const metric of metrics) {
    const stored = ordered.map((minute) => minute.metrics[metric]);
    numberColumn(
      metric,
      stored.map((reading) => (reading === undefined ? undefined : valueOf(reading))),
      schema,
      columnData,
    );
    if (stored.every((reading) => reading === undefined || typeof reading === 'number')) continue;
    const readings = stored.map((reading) => (reading === undefined ? undefined : readingOf(reading)));
    numberColumn(
      `${metric}.raw`,
      readings.map((reading) => reading?.raw),
      schema,
      columnData,
    );
    textColumn(
      `${metric}.status`,
      readings.map((reading) => reading?.status),
      schema,
      columnData,
    );
    if (readings.some((reading) => reading?.qcAssessment !== undefined)) {
      textColumn(
        `${metric}.qcAssessment`,
        readings.map((reading) => reading?.qcAssessment),
        schema,
        columnData,
      );
    }
    if (readings.some((reading) => reading?.qcFlags !== undefined)) {
      const flags = readings.map((reading) => (reading?.qcFlags === undefined ? undefined : JSON.stringify(reading.qcFlags)));
      textColumn(`${metric}.qcFlags`, flags, schema, columnData);
    }
  }
  schema[0]!.num_children = schema.length - 1;
  const buffer = parquetWriteBuffer({
    // hyparquet-writer's SchemaElement type is hyparquet's; these plain objects are exactly that shape.
    schema: schema as never,
    columnData,
    codec: 'SNAPPY',
    statistics: false,
    createdBy: 'datagate archive',
  });
  return new Uint8Array(buffer);
}

const isStatus = (text: unknown): text is ReadingStatus => READING_STATUSES.includes(text as ReadingStatus);

/** Decodes a file written by `encodeArchiveDay`, oldest first. */
export async function decodeArchiveDay(bytes: Uint8Array): Promise<ArchivedMinute[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return rows.map((row) => {
    const metrics: Record<string, StoredReading> = {};
    for (const [name, value] of Object.entries(row)) {
      if (name === 'time' || name.includes('.')) continue;
      const status = row[`${name}.status`];
      if (isStatus(status)) {
        const qcAssessment = row[`${name}.qcAssessment`];
        const qcFlags = row[`${name}.qcFlags`];
        metrics[name] = storedReadingOf({
          raw: Number(row[`${name}.raw`]),
          value: value === null || value === undefined ? null : Number(value),
          status,
          ...(typeof qcAssessment === 'string' ? { qcAssessment } : {}),
          ...(typeof qcFlags === 'string' ? { qcFlags: JSON.parse(qcFlags) as string[] } : {}),
        });
      } else if (value !== null && value !== undefined && row[`${name}.status`] === undefined) {
        metrics[name] = Number(value);
      }
    }
    return { time: (row.time as Date).toISOString(), metrics };
  });
}

/**
 * One day after a merge: the minutes already archived, overwritten per time by `newer` (what
 * DynamoDB holds now: a resend replaces the value, as in DynamoDB itself).
 */
export function mergeMinutes(archived: readonly ArchivedMinute[], newer: readonly ArchivedMinute[]): ArchivedMinute[] {
  const byTime = new Map(archived.map((minute) => [minute.time, minute]));
  for (const minute of newer) byTime.set(minute.time, { time: minute.time, metrics: minute.metrics });
  return [...byTime.values()].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}
