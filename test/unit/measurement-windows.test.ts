import { DAY_MS, HOUR_MS } from '../../functions/core/platform/time';
import { periodStart, selectMetrics, windowStart, type Row } from '../../functions/core/measurements/measurement-windows';

// Hourly and daily means are derived from aggregates: test/unit/air-quality-derived.test.ts.

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

  it('no selector keeps the default metrics (names outside the catalogue are in it)', () => {
    expect(selectMetrics(rows, undefined).map((row) => row.datasourceId)).toEqual(['ds_a', 'ds_a', 'ds_b']);
  });
});
