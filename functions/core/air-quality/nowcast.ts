/**
 * The US EPA NowCast for particulate matter (PM2.5 and PM10), pure.
 *
 * Source: US EPA, "Technical Assistance Document for the Reporting of Daily Air Quality – the Air
 * Quality Index (AQI)", EPA-454/B-24-002 (May 2024), section on the NowCast, and AirNow's
 * "The NowCast for PM2.5 and PM10" (forum.airnowtech.org/t/the-nowcast-for-pm2-5-and-pm10/172):
 * 1. Take the 12 most recent hourly means c1 (the current hour) ... c12.
 * 2. At least 2 of the 3 most recent (c1, c2, c3) must be valid, or there is no NowCast.
 * 3. w* = c_min / c_max over the valid hours of the 12.
 * 4. w = w*, but at least 0.5 (the PM minimum weight factor).
 * 5. NowCast = Σ w^(i−1) · c_i / Σ w^(i−1), over the valid hours i only.
 *
 * Datagate's choices where the document is silent, recorded in `GET /v2/metrics`:
 * - the NowCast is answered at full precision (the EPA truncates only before the AQI, ./aqi.ts);
 * - zero and negative hourly means (sensor noise) are used as they are; when c_max ≤ 0 the
 *   ratio is meaningless and w = 1 (a flat series), and w is never above 1.
 */

/** The PM minimum weight factor (EPA). */
export const NOWCAST_MIN_WEIGHT = 0.5;
/** Hours the NowCast spans. */
export const NOWCAST_HOURS = 12;

/**
 * NowCast of `hourly`: index 0 is the reporting hour, index 1 the hour before, and so on
 * (at most 12 are used); `undefined` marks a missing hour. Undefined when fewer than 2 of the
 * 3 most recent hours are present.
 */
export function nowcast(hourly: readonly (number | undefined)[]): number | undefined {
  const hours = Array.from({ length: NOWCAST_HOURS }, (_unused, index) => hourly[index]);
  const recent = hours.slice(0, 3).filter((value) => value !== undefined).length;
  if (recent < 2) return undefined;
  const valid = hours.flatMap((value, index) => (value === undefined ? [] : [{ value, age: index }]));
  const max = Math.max(...valid.map(({ value }) => value));
  const min = Math.min(...valid.map(({ value }) => value));
  const ratio = max > 0 ? min / max : 1;
  const weight = Math.min(1, Math.max(NOWCAST_MIN_WEIGHT, ratio));
  let numerator = 0;
  let denominator = 0;
  for (const { value, age } of valid) {
    const factor = weight ** age;
    numerator += factor * value;
    denominator += factor;
  }
  return numerator / denominator;
}
