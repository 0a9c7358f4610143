import { CATALOGUE, catalogueMetric, ingestName, metricsOf } from '../../functions/core/air-quality/catalogue';
import { DAY_MS, HOUR_MS } from '../../functions/core/platform/time';
import { dayRows, hourRows, totalsOfMinutes, type PeriodTotals } from '../../functions/core/air-quality/derived-metrics';
import { metricFilter } from '../../functions/core/air-quality/metric-select';
import { nowcast } from '../../functions/core/air-quality/nowcast';

const T0 = Date.parse('2026-11-20T00:00:00.000Z');
const hour = (index: number, totals: PeriodTotals['totals']): PeriodTotals => ({ start: T0 + index * HOUR_MS, totals });

describe('the metric catalogue', () => {
  it('spells the hourly and daily metrics as Clarity does', () => {
    const hourly = metricsOf('hour').map((entry) => entry.metric);
    expect(hourly).toEqual(
      expect.arrayContaining([
        'pm2_5ConcMass1HourMean',
        'pm2_5ConcMass24HourRollingMean',
        'pm2_5ConcMassNowcast',
        'pm2_5ConcMassNowcastUsEpaAqi',
        'pm10ConcMassNowcast',
        'pm10ConcMassNowcastUsEpaAqi',
        'no2Conc1HourMeanUsEpaAqi',
        'temperatureInternal1HourMean',
      ]),
    );
    expect(hourly).not.toContain('temperatureInternalNowcast');
    expect(metricsOf('day').map((entry) => entry.metric)).toEqual(
      expect.arrayContaining(['pm2_5ConcMass24HourMean', 'pm2_5ConcMass24HourMeanUsEpaAqi', 'pm10ConcMass24HourMeanUsEpaAqi']),
    );
    expect(metricsOf('minute').every((entry) => entry.metric.endsWith('Individual'))).toBe(true);
    expect(new Set(CATALOGUE.map((entry) => entry.metric)).size).toBe(CATALOGUE.length);
  });

  it('ingest takes catalogue minute names and base names, and nothing else', () => {
    expect(ingestName('pm2_5ConcMassIndividual')).toBe('pm2_5ConcMassIndividual');
    expect(ingestName('pm2_5ConcMass')).toBe('pm2_5ConcMassIndividual');
    expect(ingestName('pm2_5ConcMass1HourMean')).toBeUndefined();
    expect(ingestName('pm25')).toBeUndefined();
    expect(ingestName('PM2_5ConcMassIndividual')).toBeUndefined();
  });
});

describe('metricSelect', () => {
  const hourly = metricsOf('hour').map((entry) => entry.metric);
  const select = (selector: string | undefined, names = hourly) => names.filter(metricFilter(selector));

  it('`only pm2_5ConcMass24HourRollingMean` selects that metric alone', () => {
    expect(select('only pm2_5ConcMass24HourRollingMean')).toEqual(['pm2_5ConcMass24HourRollingMean']);
  });

  it('`only *nowcast*` selects the NowCasts and their AQIs, case-insensitively', () => {
    expect(select('only *nowcast*').sort()).toEqual(
      ['pm10ConcMassNowcast', 'pm10ConcMassNowcastUsEpaAqi', 'pm2_5ConcMassNowcast', 'pm2_5ConcMassNowcastUsEpaAqi'].sort(),
    );
  });

  it('categories: `:internal`, `:pm25`, `:pm1` (not pm10), `:pollutant` leaves out temperature', () => {
    expect(select('only :internal').sort()).toEqual(
      [
        'relHumidInternal1HourMean',
        'relHumidInternal24HourRollingMean',
        'temperatureInternal1HourMean',
        'temperatureInternal24HourRollingMean',
      ].sort(),
    );
    expect(select('only :pm25').every((metric) => metric.startsWith('pm2_5'))).toBe(true);
    expect(select('only :pm25')).toContain('pm2_5ConcMassNowcastUsEpaAqi');
    expect(select('only :pm1').every((metric) => metric.startsWith('pm1Conc'))).toBe(true);
    expect(select('only :pm1').length).toBeGreaterThan(0);
    expect(select('only :pollutant')).not.toContain('temperatureInternal1HourMean');
    expect(select('only :no2').sort()).toEqual(
      ['no2Conc1HourMean', 'no2Conc1HourMeanUsEpaAqi', 'no2Conc24HourRollingMean'].sort(),
    );
  });

  it('`default` is the default set, `all` everything, `default - *aqi*` drops the AQIs', () => {
    expect(select(undefined)).toEqual(select('default'));
    expect(select('default')).not.toContain('pm2_5ConcNum1HourMean');
    expect(select('all')).toContain('pm2_5ConcNum1HourMean');
    expect(select('all')).toEqual(hourly);
    expect(select('default - *aqi*').some((metric) => /aqi/i.test(metric))).toBe(false);
    expect(select('default - *aqi*')).toContain('pm2_5ConcMassNowcast');
    expect(select('none')).toEqual([]);
    expect(select('pm2_5ConcMass1HourMean,no2Conc1HourMean')).toEqual(['no2Conc1HourMean', 'pm2_5ConcMass1HourMean']);
  });
});

describe('derived hourly and daily metrics', () => {
  it('totals per hour from minutes, under base names (catalogue and legacy stored names)', () => {
    const totals = totalsOfMinutes(
      [
        { time: '2026-11-20T00:01:00.000Z', metrics: { pm2_5ConcMassIndividual: 4 } },
        { time: '2026-11-20T00:59:00.000Z', metrics: { pm2_5ConcMass: 8, unknownThing: 1 } },
        { time: '2026-11-20T01:00:00.000Z', metrics: { pm2_5ConcMassIndividual: 1 } },
      ],
      HOUR_MS,
    );
    expect(totals).toEqual([
      { start: T0, totals: { pm2_5ConcMass: { sum: 12, count: 2 } } },
      { start: T0 + HOUR_MS, totals: { pm2_5ConcMass: { sum: 1, count: 1 } } },
    ]);
  });

  it('an hour row carries the 1-hour mean, the NowCast and its AQI, and the gases 1-hour AQI', () => {
    const hours = [
      hour(0, { pm2_5ConcMass: { sum: 40, count: 4 } }), // mean 10
      hour(1, { pm2_5ConcMass: { sum: 60, count: 3 }, no2Conc: { sum: 108, count: 2 } }), // 20; no2 54
    ];
    const [row] = hourRows(hours, [T0 + HOUR_MS]);
    expect(row!.start).toBe(T0 + HOUR_MS);
    expect(row!.end).toBe(T0 + 2 * HOUR_MS);
    expect(row!.metrics.pm2_5ConcMass1HourMean).toBe(20);
    expect(row!.metrics.pm2_5ConcMassNowcast).toBeCloseTo(nowcast([20, 10])!, 10);
    // w = 0.5: (20 + 5) / 1.5 = 16.67 -> truncated 16.6 -> 49/26.3 x 7.5 + 51 = 64.97 -> 65
    expect(row!.metrics.pm2_5ConcMassNowcastUsEpaAqi).toBe(65);
    expect(row!.metrics.no2Conc1HourMean).toBe(54);
    expect(row!.metrics.no2Conc1HourMeanUsEpaAqi).toBe(51);
    expect(row!.metrics.pm2_5ConcMass24HourRollingMean).toBeUndefined(); // 2 of 24 hours
  });

  it('the first hour has no NowCast (1 of 3 recent hours) and hours without data have no row', () => {
    const rows = hourRows([hour(0, { pm2_5ConcMass: { sum: 10, count: 1 } })], [T0, T0 + HOUR_MS]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.metrics.pm2_5ConcMassNowcast).toBeUndefined();
  });

  it('the 24-hour rolling mean is the mean of the hourly means ending with the hour, from 18 of 24 hours', () => {
    const hours = Array.from({ length: 30 }, (_unused, index) =>
      hour(index, { temperatureInternal: { sum: index * 2, count: 2 } }),
    );
    const rows = hourRows(
      hours,
      hours.map((entry) => entry.start),
    );
    const at = (index: number) => rows.find((row) => row.start === T0 + index * HOUR_MS)!.metrics;
    expect(at(16).temperatureInternal24HourRollingMean).toBeUndefined(); // 17 hours
    expect(at(17).temperatureInternal24HourRollingMean).toBeCloseTo(8.5, 10); // hours 0..17
    expect(at(29).temperatureInternal24HourRollingMean).toBeCloseTo(17.5, 10); // hours 6..29
  });

  it('a day row carries the 24-hour means and the PM AQIs on them', () => {
    const [row] = dayRows([
      { start: T0, totals: { pm2_5ConcMass: { sum: 35.9 * 3, count: 3 }, windSpeed: { sum: 3, count: 1 } } },
    ]);
    expect(row!.end).toBe(T0 + DAY_MS);
    expect(row!.metrics.pm2_5ConcMass24HourMean).toBeCloseTo(35.9, 10);
    expect(row!.metrics.pm2_5ConcMass24HourMeanUsEpaAqi).toBe(102);
    expect(row!.metrics.windSpeed24HourMean).toBe(3);
    expect(Object.keys(row!.metrics).every((metric) => catalogueMetric(metric)?.outputFrequency === 'day')).toBe(true);
  });
});
