import { readingFromInput, readingProblem, storedReadingOf, valueOf } from '../../functions/core/air-quality/readings';
import { rollupDeltas } from '../../functions/core/air-quality/rollup-deltas';
import { totalsOfMinutes } from '../../functions/core/air-quality/derived-metrics';
import { decodeArchiveDay, encodeArchiveDay, type ArchivedMinute } from '../../functions/core/archive/archive-format';

const calibrated = { raw: -5.45, value: 12.64, status: 'calibrated-ready' as const, qcAssessment: 'valid', qcFlags: [] };
const missing = { raw: 33.23, value: null, status: 'calibration-missing' as const };

describe('readings', () => {
  it('are stored as a number when nothing but the number needs saying, else whole', () => {
    expect(storedReadingOf(readingFromInput(3.5))).toBe(3.5);
    expect(storedReadingOf(readingFromInput({ raw: 3.5 }))).toBe(3.5);
    expect(storedReadingOf(readingFromInput({ raw: 3.5, value: 3.5, status: 'sensor-ready' }))).toBe(3.5);
    expect(storedReadingOf(readingFromInput({ raw: 3.5, qcAssessment: 'valid' }))).toEqual({
      raw: 3.5,
      value: 3.5,
      status: 'sensor-ready',
      qcAssessment: 'valid',
    });
    expect(storedReadingOf(readingFromInput(calibrated))).toEqual(calibrated);
    expect(storedReadingOf(readingFromInput({ raw: 33.23, value: null }))).toEqual(missing);
  });

  it('refuse a sensor-ready value other than raw, a null value with a calibrated status, a value with a status that has none', () => {
    expect(readingProblem(readingFromInput({ raw: 1, value: 2, status: 'sensor-ready' }))?.attribute).toBe('value');
    expect(readingProblem(readingFromInput({ raw: 1, value: null, status: 'calibrated-ready' }))?.attribute).toBe('status');
    expect(readingProblem(readingFromInput({ raw: 1, status: 'calibrated-ready' }))?.attribute).toBe('status');
    expect(readingProblem(readingFromInput({ raw: 1, value: 2, status: 'calibration-missing' }))?.attribute).toBe('value');
    expect(readingProblem(readingFromInput({ raw: 1, value: null, status: 'calibration-error' }))).toBeUndefined();
  });

  it('give means their value, and nothing when there is none', () => {
    expect(valueOf(4)).toBe(4);
    expect(valueOf(calibrated)).toBe(12.64);
    expect(valueOf(missing)).toBeNull();
  });
});

describe('aggregates of calibrated readings', () => {
  const time = '2026-12-01T10:05:00.000Z';

  it('sum values and count readings that have one; readings without a value are counted apart (nulls)', () => {
    const [hour] = rollupDeltas([
      { written: { time, metrics: { no2ConcIndividual: calibrated, pm10ConcMassIndividual: missing } } },
      { written: { time: '2026-12-01T10:06:00.000Z', metrics: { no2ConcIndividual: 7.36, pm10ConcMassIndividual: missing } } },
    ]);
    expect(hour!.deltas).toEqual({ no2Conc: { sum: 20, count: 2 }, pm10ConcMass: { sum: 0, count: 0, nulls: 2 } });
    const [totals] = totalsOfMinutes(
      [{ time, metrics: { no2ConcIndividual: calibrated, pm10ConcMassIndividual: missing } }],
      3_600_000,
    );
    expect(totals!.totals).toEqual({ no2Conc: { sum: 12.64, count: 1 }, pm10ConcMass: { sum: 0, count: 0, nulls: 1 } });
  });

  it('a calibration arriving later replaces a missing value: +1 count, +value sum, -1 nulls', () => {
    const [hour] = rollupDeltas([
      {
        old: { time, metrics: { pm10ConcMassIndividual: missing } },
        written: { time, metrics: { pm10ConcMassIndividual: { ...missing, value: 20, status: 'calibrated-ready' } } },
      },
    ]);
    expect(hour!.deltas).toEqual({ pm10ConcMass: { sum: 20, count: 1, nulls: -1 } });
  });
});

describe('the archive', () => {
  it('keeps readings as stored: numbers, calibrated values, missing ones and QC, day files of numbers as before', async () => {
    const minutes: ArchivedMinute[] = [
      {
        time: '2026-12-01T10:05:00.000Z',
        metrics: { no2ConcIndividual: calibrated, pm10ConcMassIndividual: missing, temperatureInternalIndividual: 21 },
      },
      { time: '2026-12-01T10:06:00.000Z', metrics: { no2ConcIndividual: 3.25, temperatureInternalIndividual: 21.5 } },
      {
        time: '2026-12-01T10:07:00.000Z',
        metrics: {
          pm10ConcMassIndividual: { raw: 1, value: 2, status: 'calibrated-reprocessing' as const, qcFlags: ['a', 'b,c'] },
        },
      },
    ];
    expect(await decodeArchiveDay(encodeArchiveDay(minutes))).toEqual(minutes);
    const plain = [{ time: '2026-12-01T10:05:00.000Z', metrics: { temperatureInternalIndividual: 21.25 } }];
    expect(await decodeArchiveDay(encodeArchiveDay(plain))).toEqual(plain);
  });
});
