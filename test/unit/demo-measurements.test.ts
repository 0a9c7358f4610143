import { DEMO_METRICS, demoMeasurementAt, demoTimes, OLDER_STEP_MS, RECENT_STEP_MS } from '../../lib/local/demo-measurements';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const street = { pm2_5: 9, traffic: 1, warmth: 0.8 };

describe('demo measurements', () => {
  it('are the same for the same site and time, so a restart that sends a time again rewrites the same values', () => {
    const at = Date.parse('2026-11-20T08:15:00Z');
    expect(demoMeasurementAt(0, street, at)).toEqual(demoMeasurementAt(0, street, at));
    expect(demoMeasurementAt(0, street, at)).not.toEqual(demoMeasurementAt(1, street, at));
  });

  it('carry the Clarity catalogue metrics, with plausible values', () => {
    const { metrics } = demoMeasurementAt(2, street, Date.parse('2026-11-20T12:00:00Z'));
    expect(Object.keys(metrics).sort()).toEqual([...DEMO_METRICS].sort());
    expect(metrics.pm10ConcMassIndividual).toBeGreaterThan(metrics.pm2_5ConcMassIndividual);
    expect(metrics.relHumidInternalIndividual).toBeGreaterThanOrEqual(25);
    expect(metrics.relHumidInternalIndividual).toBeLessThanOrEqual(98);
  });

  it('follow a day: a busy street has more NO2 and PM2.5 at 08:00 than at 03:00, and is warmer at 15:00 than at 04:00', () => {
    const mean = (hour: number, metric: (typeof DEMO_METRICS)[number]) => {
      let sum = 0;
      for (let day = 0; day < 10; day++)
        sum += demoMeasurementAt(0, street, Date.parse('2026-11-10T00:00:00Z') + day * DAY + hour * HOUR).metrics[metric];
      return sum / 10;
    };
    expect(mean(8, 'no2ConcIndividual')).toBeGreaterThan(2 * mean(3, 'no2ConcIndividual'));
    expect(mean(8, 'pm2_5ConcMassIndividual')).toBeGreaterThan(1.5 * mean(3, 'pm2_5ConcMassIndividual'));
    expect(mean(15, 'temperatureInternalIndividual')).toBeGreaterThan(mean(4, 'temperatureInternalIndividual') + 5);
  });

  it('are taken every 15 minutes over the last day and hourly before, on a grid, each time once', () => {
    const until = Date.parse('2026-11-28T21:07:00Z');
    const times = demoTimes(until - 10 * DAY, until);
    expect(new Set(times).size).toBe(times.length);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.filter((time) => time > until - DAY)).toHaveLength(96);
    expect(times.filter((time) => time <= until - DAY)).toHaveLength(9 * 24);
    expect(times.every((time) => time % RECENT_STEP_MS === 0)).toBe(true);
    expect(times.filter((time) => time <= until - DAY).every((time) => time % OLDER_STEP_MS === 0)).toBe(true);
  });

  it('continue where the previous start stopped, without sending a time twice', () => {
    const first = Date.parse('2026-11-28T10:07:00Z');
    const second = first + 3 * HOUR;
    const before = demoTimes(first - 10 * DAY, first);
    const after = demoTimes(first, second);
    expect(after.every((time) => time > first && time <= second)).toBe(true);
    expect(after).toHaveLength(12);
    expect(before.filter((time) => after.includes(time))).toEqual([]);
  });
});
