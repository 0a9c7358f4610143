import { aqiOfMetric } from './aqi';
import { AQI_SUFFIX, BASE_METRICS, baseMetric, baseOfMinuteName, type BaseMetric } from './catalogue';
import { NOWCAST_HOURS, nowcast } from './nowcast';
import { DAY_MS, HOUR_MS } from '../platform/time';
import { valueOf, type StoredReading } from './readings';

/**
 * Hourly and daily metrics derived from sums and counts per metric and period (pure): the rows of
 * `hour` and `day` answers, computed as the US EPA does (./nowcast.ts, ./aqi.ts) under Clarity's
 * names (./catalogue.ts). The inputs are the rolled-up aggregates (or totals computed from minutes,
 * see `totalsOfMinutes`), so a query never needs more than the periods it answers plus the
 * 23 hours before them.
 */

/** Sum and count of one metric's values in one period. */
export interface Totals {
  sum: number;
  count: number;
  /**
   * Readings of the metric without a value (calibration missing: answered raw, in no mean);
   * absent when none. `count + (nulls ?? 0)` is how many readings the period holds.
   */
  nulls?: number;
}

/** One period's totals per base metric (`pm2_5ConcMass`, not `...Individual`). */
export interface PeriodTotals {
  /** Start of the period, epoch milliseconds (UTC hour or day). */
  start: number;
  totals: Readonly<Record<string, Totals>>;
}

/** Hours of hourly means a 24-hour rolling mean needs (EPA's 75 % completeness for 24-hour averages). */
export const ROLLING_MIN_HOURS = 18;
/** Hours a 24-hour rolling mean spans. */
export const ROLLING_HOURS = 24;

/** The base metric of a stored minute name: catalogue names, and base names stored before the catalogue. */
export function baseOfStoredName(name: string): string | undefined {
  return baseOfMinuteName(name) ?? (baseMetric(name) ? name : undefined);
}

/**
 * Totals per period of `minutes` (stored names), for periods of `periodMs` aligned to the epoch:
 * of each reading's `value`; readings without one are only counted (`nulls`).
 */
export function totalsOfMinutes(
  minutes: readonly { time: string; metrics: Readonly<Record<string, StoredReading>> }[],
  periodMs: number,
): PeriodTotals[] {
  const periods = new Map<number, Record<string, Totals>>();
  for (const minute of minutes) {
    const start = Math.floor(Date.parse(minute.time) / periodMs) * periodMs;
    const totals = periods.get(start) ?? {};
    periods.set(start, totals);
    for (const [name, reading] of Object.entries(minute.metrics)) {
      const base = baseOfStoredName(name);
      const value = valueOf(reading);
      if (!base) continue;
      const entry = (totals[base] ??= { sum: 0, count: 0 });
      if (value === null) entry.nulls = (entry.nulls ?? 0) + 1;
      else {
        entry.sum += value;
        entry.count += 1;
      }
    }
  }
  return [...periods].map(([start, totals]) => ({ start, totals })).sort((a, b) => a.start - b.start);
}

const meanOf = (totals: Totals | undefined) => (totals && totals.count > 0 ? totals.sum / totals.count : undefined);

/** A row of derived metrics for one period. */
export interface DerivedRow {
  start: number;
  end: number;
  metrics: Record<string, number>;
}

function setAqi(metrics: Record<string, number>, base: BaseMetric, name: string, value: number | undefined): void {
  if (value === undefined || !base.aqi) return;
  const aqi = aqiOfMetric(base.aqi, value);
  if (aqi !== undefined) metrics[`${name}${AQI_SUFFIX}`] = aqi;
}

/**
 * The `hour` rows for each hour of `report` that has data of its own: `<m>1HourMean` for every
 * metric; `<m>24HourRollingMean` (mean of the hourly means of the 24 hours ending with the hour,
 * given at least ROLLING_MIN_HOURS of them); the PM NowCasts and their AQIs; the AQI of the
 * 1-hour means of NO2, SO2 and O3 (where its table defines one). `hours` must hold the reported
 * hours and the 23 before each (fewer only where there is no data).
 */
export function hourRows(hours: readonly PeriodTotals[], report: readonly number[]): DerivedRow[] {
  const byStart = new Map(hours.map((hour) => [hour.start, hour.totals]));
  const hourlyMean = (base: string, start: number) => meanOf(byStart.get(start)?.[base]);
  const rows: DerivedRow[] = [];
  for (const start of report) {
    const own = byStart.get(start);
    if (!own || Object.keys(own).length === 0) continue;
    const metrics: Record<string, number> = {};
    for (const base of BASE_METRICS) {
      const name = base.base;
      const mean = hourlyMean(name, start);
      if (mean !== undefined) {
        metrics[`${name}1HourMean`] = mean;
        if (base.aqi === 'no2' || base.aqi === 'so2' || base.aqi === 'o3') setAqi(metrics, base, `${name}1HourMean`, mean);
      }
      const day = Array.from({ length: ROLLING_HOURS }, (_unused, back) => hourlyMean(name, start - back * HOUR_MS)).filter(
        (value): value is number => value !== undefined,
      );
      if (day.length >= ROLLING_MIN_HOURS) {
        metrics[`${name}24HourRollingMean`] = day.reduce((total, value) => total + value, 0) / day.length;
      }
      if (base.aqi === 'pm2_5' || base.aqi === 'pm10') {
        const value = nowcast(Array.from({ length: NOWCAST_HOURS }, (_unused, back) => hourlyMean(name, start - back * HOUR_MS)));
        if (value !== undefined) {
          metrics[`${name}Nowcast`] = value;
          setAqi(metrics, base, `${name}Nowcast`, value);
        }
      }
    }
    if (Object.keys(metrics).length > 0) rows.push({ start, end: start + HOUR_MS, metrics });
  }
  return rows;
}

/** The `day` rows: `<m>24HourMean` for every metric of each day, and the PM AQIs on them. */
export function dayRows(days: readonly PeriodTotals[]): DerivedRow[] {
  return days.flatMap(({ start, totals }) => {
    const metrics: Record<string, number> = {};
    for (const base of BASE_METRICS) {
      const mean = meanOf(totals[base.base]);
      if (mean === undefined) continue;
      metrics[`${base.base}24HourMean`] = mean;
      if (base.aqi === 'pm2_5' || base.aqi === 'pm10') setAqi(metrics, base, `${base.base}24HourMean`, mean);
    }
    return Object.keys(metrics).length > 0 ? [{ start, end: start + DAY_MS, metrics }] : [];
  });
}

/**
 * The hours whose derived rows a change to hour `start` alters: the hour itself, the 11 after it
 * (NowCast) and the 23 after it (rolling means). Continuations resend these.
 */
export function hoursAffectedBy(start: number): number[] {
  return Array.from({ length: ROLLING_HOURS }, (_unused, ahead) => start + ahead * HOUR_MS);
}
