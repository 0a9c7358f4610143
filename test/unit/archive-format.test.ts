import {
  type ArchivedMinute,
  archiveDayKey,
  daysBetween,
  decodeArchiveDay,
  encodeArchiveDay,
  mergeMinutes,
} from '../../functions/core/archive/archive-format';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 1) + minute * 60_000).toISOString();

describe('archive day files', () => {
  it('round-trips minutes exactly: two-decimal values, integers, values that need a DOUBLE, and missing metrics', async () => {
    const minutes: ArchivedMinute[] = [
      { time: at(2), metrics: { pm2_5ConcMass: 7.41, count: 3 } },
      { time: at(0), metrics: { pm2_5ConcMass: -0.07, count: 12, ratio: 1 / 3 } },
      { time: at(1), metrics: { ratio: 2.5e-9 } },
    ];
    const decoded = await decodeArchiveDay(encodeArchiveDay(minutes));
    expect(decoded).toEqual([
      { time: at(0), metrics: { pm2_5ConcMass: -0.07, count: 12, ratio: 1 / 3 } },
      { time: at(1), metrics: { ratio: 2.5e-9 } },
      { time: at(2), metrics: { pm2_5ConcMass: 7.41, count: 3 } },
    ]);
  });

  it('stores a day of noisy two-decimal minutes in under 6 bytes a value', () => {
    let value = 10;
    const minutes = Array.from({ length: 1440 }, (_, minute) => {
      value += Math.sin(minute / 7) * 0.3;
      return {
        time: at(minute),
        metrics: { a: Math.round(value * 100) / 100, b: Math.round((value * 2 + (minute % 5)) * 100) / 100 },
      };
    });
    expect(encodeArchiveDay(minutes).byteLength / (1440 * 2)).toBeLessThan(6);
  });

  it('a merge keeps archived minutes and lets the newer copy of a time win', () => {
    const merged = mergeMinutes(
      [
        { time: at(0), metrics: { a: 1 } },
        { time: at(1), metrics: { a: 2 } },
      ],
      [
        { time: at(1), metrics: { a: 20 } },
        { time: at(2), metrics: { a: 3 } },
      ],
    );
    expect(merged).toEqual([
      { time: at(0), metrics: { a: 1 } },
      { time: at(1), metrics: { a: 20 } },
      { time: at(2), metrics: { a: 3 } },
    ]);
  });

  it('partitions by org, datasource and UTC day', () => {
    expect(archiveDayKey('org_1', 'ds_2', '2026-11-01')).toBe('archive/org=org_1/datasource=ds_2/day=2026-11-01.parquet');
    expect(daysBetween(Date.parse('2026-10-31T23:00:00Z'), Date.parse('2026-11-02T00:00:00Z'))).toEqual([
      '2026-10-31',
      '2026-11-01',
    ]);
  });
});
