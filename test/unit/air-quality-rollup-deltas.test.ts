import { DAY_MS, HOUR_MS } from '../../functions/core/platform/time';
import { rollupDeltas } from '../../functions/core/air-quality/rollup-deltas';

const T0 = Date.parse('2026-11-20T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

describe('rollup deltas of an ingest batch', () => {
  it('a new minute adds its values and a count of 1 to its hour and its day', () => {
    const deltas = rollupDeltas([{ written: { time: at(61), metrics: { pm2_5ConcMassIndividual: 7.5 } } }]);
    expect(deltas).toEqual([
      { kind: 'hour', start: T0 + HOUR_MS, deltas: { pm2_5ConcMass: { sum: 7.5, count: 1 } } },
      { kind: 'day', start: T0, deltas: { pm2_5ConcMass: { sum: 7.5, count: 1 } } },
    ]);
  });

  it('an overwrite adds the difference; a metric that disappears takes its count away', () => {
    const deltas = rollupDeltas([
      {
        old: { time: at(1), metrics: { pm2_5ConcMassIndividual: 10, no2ConcIndividual: 3 } },
        written: { time: at(1), metrics: { pm2_5ConcMassIndividual: 4 } },
      },
    ]);
    expect(deltas.find((delta) => delta.kind === 'hour')!.deltas).toEqual({
      pm2_5ConcMass: { sum: -6, count: 0 },
      no2Conc: { sum: -3, count: -1 },
    });
  });

  it('a resend of the same values changes nothing', () => {
    const minute = { time: at(5), metrics: { pm2_5ConcMassIndividual: 10 } };
    expect(rollupDeltas([{ old: minute, written: minute }])).toEqual([]);
  });

  it('deltas of a sequence of writes telescope to the last value stored', () => {
    const values = [3, 9, 9, 1, 4];
    let stored: { time: string; metrics: Record<string, number> } | undefined;
    let sum = 0;
    let count = 0;
    for (const value of values) {
      const written = { time: at(2 * 60 * 24 + 3), metrics: { windSpeedIndividual: value } };
      for (const delta of rollupDeltas([{ old: stored, written }]).filter((entry) => entry.kind === 'day')) {
        expect(delta.start).toBe(T0 + 2 * DAY_MS);
        sum += delta.deltas.windSpeed?.sum ?? 0;
        count += delta.deltas.windSpeed?.count ?? 0;
      }
      stored = written;
    }
    expect({ sum, count }).toEqual({ sum: 4, count: 1 });
  });
});
