import {
  DAY_MS,
  HOUR_MS,
  aggregate,
  newestFirst,
  periodStart,
  selectMetrics,
  windowStart,
  type Measurement,
  type Row,
} from '../../functions/core/measurement-windows';

const at = (iso: string) => Date.parse(iso);
const now = at('2026-03-10T14:25:30.000Z');

describe('the windows of the recent-measurements query', () => {
  it('minutes reach back exactly 24 hours from now', () => {
    expect(windowStart('minute', now)).toBe(now - DAY_MS);
  });

  it('hourly means cover the 48 whole UTC hours up to the current one', () => {
    expect(new Date(windowStart('hour', now)).toISOString()).toBe('2026-03-08T15:00:00.000Z');
    expect((at('2026-03-10T14:00:00.000Z') + HOUR_MS - windowStart('hour', now)) / HOUR_MS).toBe(48);
  });

  it('daily means cover the 10 whole UTC days up to today', () => {
    expect(new Date(windowStart('day', now)).toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('startTime narrows the window, aligned to the start of its period, and never widens it', () => {
    expect(windowStart('minute', now, '2026-03-10T12:00:07.000Z')).toBe(at('2026-03-10T12:00:07.000Z'));
    expect(new Date(windowStart('hour', now, '2026-03-10T12:34:00.000Z')).toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(new Date(windowStart('day', now, '2026-03-09T12:34:00.000Z')).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(windowStart('minute', now, '2020-01-01T00:00:00.000Z')).toBe(now - DAY_MS);
  });

  it('a period starts at the whole UTC hour or day that holds the time', () => {
    expect(new Date(periodStart('2026-03-10T14:59:59.999Z', 'hour')).toISOString()).toBe('2026-03-10T14:00:00.000Z');
    expect(new Date(periodStart('2026-03-10T00:00:00.000Z', 'day')).toISOString()).toBe('2026-03-10T00:00:00.000Z');
  });
});

describe('means', () => {
  const measurements: Measurement[] = [
    { datasourceId: 'ds_a', time: '2026-03-10T14:01:00.000Z', metrics: { pm2_5ConcMassIndividual: 10, temperature: 20 } },
    { datasourceId: 'ds_a', time: '2026-03-10T14:59:00.000Z', metrics: { pm2_5ConcMassIndividual: 20 } },
    { datasourceId: 'ds_a', time: '2026-03-10T15:00:00.000Z', metrics: { pm2_5ConcMassIndividual: 99 } },
    { datasourceId: 'ds_b', time: '2026-03-10T14:30:00.000Z', metrics: { pm2_5ConcMassIndividual: 1 } },
  ];

  it('are the arithmetic mean of each metric per datasource and period, over the measurements that have it', () => {
    const rows = aggregate(measurements, 'hour').sort(newestFirst);
    expect(rows).toEqual([
      {
        datasourceId: 'ds_a',
        time: '2026-03-10T15:00:00.000Z',
        endOfPeriod: '2026-03-10T16:00:00.000Z',
        metrics: { pm2_5ConcMass1HourMean: 99 },
      },
      {
        datasourceId: 'ds_a',
        time: '2026-03-10T14:00:00.000Z',
        endOfPeriod: '2026-03-10T15:00:00.000Z',
        metrics: { pm2_5ConcMass1HourMean: 15, temperature1HourMean: 20 },
      },
      {
        datasourceId: 'ds_b',
        time: '2026-03-10T14:00:00.000Z',
        endOfPeriod: '2026-03-10T15:00:00.000Z',
        metrics: { pm2_5ConcMass1HourMean: 1 },
      },
    ]);
  });

  it('daily means are named 24HourMean and span the UTC day', () => {
    const [row] = aggregate(measurements.slice(0, 3), 'day');
    expect(row).toEqual({
      datasourceId: 'ds_a',
      time: '2026-03-10T00:00:00.000Z',
      endOfPeriod: '2026-03-11T00:00:00.000Z',
      metrics: { pm2_5ConcMass24HourMean: 43, temperature24HourMean: 20 },
    });
  });
});

describe('metric selection', () => {
  const rows: Row[] = [
    { datasourceId: 'ds_b', time: '2026-03-10T14:00:00.000Z', metrics: { pm2_5: 1, temperature: 2 } },
    { datasourceId: 'ds_a', time: '2026-03-10T14:00:00.000Z', metrics: { temperature: 3 } },
    { datasourceId: 'ds_a', time: '2026-03-10T15:00:00.000Z', metrics: { pm2_5: 4 } },
  ];

  it('keeps the selected metrics, drops rows left without any, and sorts newest first then by datasource', () => {
    expect(selectMetrics(rows, 'only pm2_5*')).toEqual([
      { datasourceId: 'ds_a', time: '2026-03-10T15:00:00.000Z', metrics: { pm2_5: 4 } },
      { datasourceId: 'ds_b', time: '2026-03-10T14:00:00.000Z', metrics: { pm2_5: 1 } },
    ]);
  });

  it('no selector keeps every metric', () => {
    expect(selectMetrics(rows, undefined).map((row) => row.datasourceId)).toEqual(['ds_a', 'ds_a', 'ds_b']);
  });
});
