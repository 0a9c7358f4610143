/**
 * Lengths of time in milliseconds and the output frequencies of measurements and reports: defined
 * here once, imported wherever a window, a period or a retention is computed.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The three resolutions an answer or a report comes in: raw minutes, hourly or daily periods. */
export type OutputFrequency = 'minute' | 'hour' | 'day';

/** The length of an hourly or daily period. */
export const PERIOD_MS = { hour: HOUR_MS, day: DAY_MS } as const;
