/**
 * Usage per application, the pure part: the UTC days a usage answer covers and its shape.
 * No I/O: both sources (CloudWatch metrics in AWS, the local counters' table items under
 * `npm start`) fill the same counts, and this module turns them into the answer.
 */

/** At most this many days in one usage answer (`days`: 1 to 90). */
export const MAX_USAGE_DAYS = 90;
/** Days a usage answer covers when `days` is not given. */
export const DEFAULT_USAGE_DAYS = 30;

/** One UTC day of an application's data API requests. */
export interface UsageDay {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** Data API requests made with any of the application's keys (throttled ones included). */
  requests: number;
  /** Of those, the ones refused with 429 (over the application's limits, or a report quota). */
  throttled: number;
  /** Requests by the org they named (`org`), for the orgs that had any. */
  byOrg: Record<string, number>;
}

export interface ApplicationUsage {
  applicationId: string;
  /** Every day of the window, newest first (today, partial, first). */
  days: UsageDay[];
}

const DAY_MS = 86_400_000;

/** The UTC date (`YYYY-MM-DD`) of an instant. */
export function utcDate(at: number | Date): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The window of `days` UTC days ending today, newest first, and the instants that bound it. */
export function usageWindow(days: number, now: number): { dates: string[]; start: Date; end: Date } {
  const todayStart = Math.floor(now / DAY_MS) * DAY_MS;
  const dates = Array.from({ length: days }, (_unused, index) => utcDate(todayStart - index * DAY_MS));
  return { dates, start: new Date(todayStart - (days - 1) * DAY_MS), end: new Date(todayStart + DAY_MS) };
}

/** Counts of one day as a source found them; a missing day or field is 0. */
export interface DayCounts {
  requests?: number;
  throttled?: number;
  byOrg?: Record<string, number>;
}

/** The answer: every date of the window, newest first, with zeros where a source had nothing. */
export function assembleUsage(
  applicationId: string,
  dates: readonly string[],
  counts: ReadonlyMap<string, DayCounts>,
): ApplicationUsage {
  return {
    applicationId,
    days: dates.map((date) => {
      const day = counts.get(date);
      const byOrg = Object.fromEntries(Object.entries(day?.byOrg ?? {}).filter(([, requests]) => requests > 0));
      return { date, requests: day?.requests ?? 0, throttled: day?.throttled ?? 0, byOrg };
    }),
  };
}
