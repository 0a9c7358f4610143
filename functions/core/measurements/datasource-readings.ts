import { baseOfStoredName } from '../air-quality/derived-metrics';
import { valueOf, type StoredReading } from '../air-quality/readings';
import { readRollups } from './measurement-rollups';
import { readMeasurements } from './measurements';
import { RETENTION_MS } from './measurement-windows';

/**
 * What the console shows of a datasource's measurements: its latest PM2.5 reading, and its hourly
 * PM2.5 means over the last hours. Read through the measurement modules' own queries: the newest
 * minutes of the datasource's partition (newest first, a few items) and its hourly aggregates
 * (one Query of at most `hours` + 1 small items); no scan, no minute-by-minute read of a day.
 */

/** The metric the console pictures: PM2.5 mass concentration, the one people ask about. */
export const READING_METRIC = 'pm2_5ConcMass';
export const READING_UNIT = 'µg/m³';
const HOUR_MS = 3_600_000;
/** Newest minutes looked at for a PM2.5 value (a minute may carry other metrics only). */
const NEWEST_MINUTES = 10;
/** Datasources whose latest reading is read at once. */
const CONCURRENCY = 16;

export interface LatestReading {
  time: string;
  metric: typeof READING_METRIC;
  value: number;
  unit: typeof READING_UNIT;
}

export interface HourlyReadings {
  datasourceId: string;
  metric: typeof READING_METRIC;
  unit: typeof READING_UNIT;
  /** The window: from the start of the first hour to now. */
  from: string;
  to: string;
  /** Hours with PM2.5 minutes, oldest first: the hour's start, mean and number of minutes. */
  hours: { start: string; mean: number; minutes: number }[];
}

/** The minute's PM2.5 value; a reading without a value (its calibration is missing) is skipped. */
function pm25Of(metrics: Readonly<Record<string, StoredReading>>): number | undefined {
  for (const [name, stored] of Object.entries(metrics)) {
    if (baseOfStoredName(name) !== READING_METRIC) continue;
    const value = valueOf(stored);
    if (value !== null) return value;
  }
  return undefined;
}

/** A datasource's newest PM2.5 minute within the retention window, if any. One Query of a few items. */
export async function latestReading(datasourceId: string, now = new Date()): Promise<LatestReading | undefined> {
  const minutes = await readMeasurements(
    datasourceId,
    new Date(now.getTime() - RETENTION_MS).toISOString(),
    now.toISOString(),
    NEWEST_MINUTES,
  );
  for (const minute of minutes) {
    const value = pm25Of(minute.metrics);
    if (value !== undefined) return { time: minute.time, metric: READING_METRIC, value, unit: READING_UNIT };
  }
  return undefined;
}

/**
 * The latest reading of each datasource (absent: none within retention), `CONCURRENCY` Queries at
 * a time: one listing answer carries what its table shows, instead of a request per row.
 */
export async function latestReadings(datasourceIds: readonly string[], now = new Date()): Promise<Map<string, LatestReading>> {
  const found = new Map<string, LatestReading>();
  let next = 0;
  const worker = async () => {
    while (next < datasourceIds.length) {
      const datasourceId = datasourceIds[next++]!;
      const reading = await latestReading(datasourceId, now);
      if (reading) found.set(datasourceId, reading);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, datasourceIds.length) }, worker));
  return found;
}

/** A datasource's hourly PM2.5 means over the last `hours` UTC hours (the current one included). */
export async function hourlyReadings(datasourceId: string, hours: number, now = new Date()): Promise<HourlyReadings> {
  const lastHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const firstHour = lastHour - (hours - 1) * HOUR_MS;
  const periods = await readRollups(datasourceId, 'hour', firstHour, lastHour);
  return {
    datasourceId,
    metric: READING_METRIC,
    unit: READING_UNIT,
    from: new Date(firstHour).toISOString(),
    to: now.toISOString(),
    hours: periods.flatMap(({ start, totals }) => {
      const total = totals[READING_METRIC];
      return total && total.count > 0
        ? [{ start: new Date(start).toISOString(), mean: total.sum / total.count, minutes: total.count }]
        : [];
    }),
  };
}
