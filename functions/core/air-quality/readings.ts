/**
 * A reading: one metric of one measurement as a gateway knows it (pure). Clarity's API guide,
 * "Metrics in measurements": a metric sensed directly has `raw` and `value` equal and status
 * `sensor-ready`; a cloud-calibrated metric (PM, NO2) has the sensor's `raw`, the calibrated
 * `value` (null while there is none) and a status saying where calibration stands. `qcAssessment`
 * and `qcFlags` come with it when the sender assessed the value. A real Clarity export
 * (test/fixtures/) holds `calibrated-ready` (no2 raw -5.45, value 12.64) and `calibration-missing`
 * (value empty) beside `sensor-ready`.
 *
 * Stored as sent, compactly: a plain number when it is a sensor-ready reading without QC (most
 * readings: an item no bigger than before), else the object. Means, NowCasts and AQIs use
 * `value` and skip readings whose value is null.
 */

/**
 * Statuses as Clarity writes them: `sensor-ready` for direct metrics, the others for
 * cloud-calibrated ones (the guide's status table, and `calibration-error` from the real export).
 */
export const READING_STATUSES = [
  'sensor-ready',
  'calibrated-ready',
  'calibrated-reprocessing',
  'calibration-processing',
  'calibration-missing',
  'calibration-error',
] as const;
export type ReadingStatus = (typeof READING_STATUSES)[number];

/**
 * Statuses that say there is no calibrated value (yet): `value` is null. `calibration-error` is
 * not in the guide's table but in the real export (no2 raw -28.33, value empty).
 */
export const STATUSES_WITHOUT_VALUE: readonly ReadingStatus[] = [
  'calibration-missing',
  'calibration-processing',
  'calibration-error',
];

export const SENSOR_READY: ReadingStatus = 'sensor-ready';

/** A reading with every attribute spelled out. */
export interface Reading {
  raw: number;
  /** The value to use (calibrated, or the raw one for direct metrics); null when there is none. */
  value: number | null;
  status: ReadingStatus;
  qcAssessment?: string;
  qcFlags?: string[];
}

/** A reading as a measurement item holds it: a number is `{raw: n, value: n, status: sensor-ready}`. */
export type StoredReading = number | Reading;

/** The reading spelled out. */
export function readingOf(stored: StoredReading): Reading {
  return typeof stored === 'number' ? { raw: stored, value: stored, status: SENSOR_READY } : stored;
}

/** The value means use, or null when the reading has none (its calibration is missing). */
export function valueOf(stored: StoredReading): number | null {
  return typeof stored === 'number' ? stored : stored.value;
}

/** The stored form: a plain number when nothing but the number needs saying. */
export function storedReadingOf(reading: Reading): StoredReading {
  const plain =
    reading.status === SENSOR_READY &&
    reading.value === reading.raw &&
    reading.qcAssessment === undefined &&
    reading.qcFlags === undefined;
  if (plain) return reading.raw;
  return {
    raw: reading.raw,
    value: reading.value,
    status: reading.status,
    ...(reading.qcAssessment !== undefined ? { qcAssessment: reading.qcAssessment } : {}),
    ...(reading.qcFlags !== undefined ? { qcFlags: [...reading.qcFlags] } : {}),
  };
}

/**
 * A reading as sent to ingest (a number, or the object with `value` and `status` optional) with
 * what was left out filled in: `value` is `raw` for a sensor-ready reading and null for a status
 * without a value; `status` is `sensor-ready` when the value is the raw one,
 * `calibration-missing` when it is null, and `calibrated-ready` otherwise.
 */
export function readingFromInput(
  input: number | { raw: number; value?: number | null; status?: ReadingStatus; qcAssessment?: string; qcFlags?: string[] },
): Reading {
  if (typeof input === 'number') return { raw: input, value: input, status: SENSOR_READY };
  const status =
    input.status ??
    (input.value === undefined || input.value === input.raw
      ? SENSOR_READY
      : input.value === null
        ? 'calibration-missing'
        : 'calibrated-ready');
  const value = input.value !== undefined ? input.value : status === SENSOR_READY ? input.raw : null;
  return {
    raw: input.raw,
    value,
    status,
    ...(input.qcAssessment !== undefined ? { qcAssessment: input.qcAssessment } : {}),
    ...(input.qcFlags !== undefined ? { qcFlags: input.qcFlags } : {}),
  };
}

/**
 * Why a reading as sent cannot be stored, with the attribute at fault, or undefined when it can:
 * a sensor-ready value is the raw one; a calibrated status has a value; a status without a value
 * has none.
 */
export function readingProblem(reading: Reading): { attribute: 'value' | 'status'; message: string } | undefined {
  if (reading.status === SENSOR_READY && reading.value !== reading.raw) {
    return { attribute: 'value', message: 'A sensor-ready reading has value equal to raw (send a calibrated status otherwise).' };
  }
  if (reading.value === null && !STATUSES_WITHOUT_VALUE.includes(reading.status)) {
    return {
      attribute: 'status',
      message: `A reading without a value has status ${STATUSES_WITHOUT_VALUE.join(' or ')}.`,
    };
  }
  if (reading.value !== null && STATUSES_WITHOUT_VALUE.includes(reading.status)) {
    return { attribute: 'value', message: `A reading with status ${reading.status} has value null.` };
  }
  return undefined;
}
