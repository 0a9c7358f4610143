import { parquetReadObjects } from 'hyparquet';
import { parquetWriteBuffer, type ColumnSource } from 'hyparquet-writer';
import { DAY_MS } from '../platform/time';

/**
 * The archive's file format: one Parquet file per org, datasource and UTC day,
 * `archive/org=<orgId>/datasource=<datasourceId>/day=<YYYY-MM-DD>.parquet`, so that a report
 * reads only the orgs, datasources and days it needs. Columns: `time` (timestamp, ms, UTC) and
 * one column per metric. A metric whose values all have at most 4 decimals (sensor values
 * do) is stored as a scaled integer (Parquet DECIMAL on INT32), delta encoded
 * (DELTA_BINARY_PACKED): consecutive minutes differ little, so most values take a byte or two.
 * Other metrics are DOUBLE. Pages are Snappy compressed. Any Parquet reader (pandas, DuckDB,
 * Athena) reads the files; see docs/architecture.md.
 */

/** One archived measurement: its time and metrics. */
export interface ArchivedMinute {
  /** ISO 8601 UTC with milliseconds. */
  time: string;
  metrics: Record<string, number>;
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
function decimalScale(values: readonly (number | undefined)[]): number | undefined {
  for (let scale = 0; scale <= MAX_SCALE; scale++) {
    const factor = 10 ** scale;
    const fits = values.every((value) => {
      if (value === undefined) return true;
      const scaled = Math.round(value * factor);
      return Math.abs(scaled) <= INT32_LIMIT && scaled / factor === value;
    });
    if (fits) return scale;
  }
  return undefined;
}

/** Encodes one day of a datasource (any order; one row per time) as a Parquet file. */
export function encodeArchiveDay(minutes: readonly ArchivedMinute[]): Uint8Array {
  const ordered = [...minutes].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const metrics = [...new Set(ordered.flatMap((minute) => Object.keys(minute.metrics)))].sort();
  const schema: Record<string, unknown>[] = [
    { name: 'root', num_children: metrics.length + 1 },
    { name: 'time', type: 'INT64', repetition_type: 'REQUIRED', converted_type: 'TIMESTAMP_MILLIS' },
  ];
  const columnData: ColumnSource[] = [
    { name: 'time', data: ordered.map((minute) => BigInt(Date.parse(minute.time))), encoding: 'DELTA_BINARY_PACKED' },
  ];
  for (const metric of metrics) {
    const values = ordered.map((minute) => minute.metrics[metric]);
    const scale = decimalScale(values);
    const data = values.map((value) => (value === undefined ? null : value));
    if (scale === undefined) {
      schema.push({ name: metric, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
      columnData.push({ name: metric, data });
    } else {
      schema.push({ name: metric, type: 'INT32', repetition_type: 'OPTIONAL', converted_type: 'DECIMAL', scale, precision: 9 });
      columnData.push({ name: metric, data, encoding: 'DELTA_BINARY_PACKED' });
    }
  }
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

/** Decodes a file written by `encodeArchiveDay`, oldest first. */
export async function decodeArchiveDay(bytes: Uint8Array): Promise<ArchivedMinute[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  return rows.map((row) => {
    const metrics: Record<string, number> = {};
    for (const [name, value] of Object.entries(row)) {
      if (name === 'time' || value === null || value === undefined) continue;
      metrics[name] = Number(value);
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
