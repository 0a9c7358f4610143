/**
 * The demo's measurements: what a Clarity node or a reference site would have sent over the
 * last days, with a daily pattern (traffic peaks in the morning and evening for particles and
 * NO2, warm afternoons, damp nights). Pure: the same site and time always give the same values,
 * so a restart that sends a time again overwrites it with the same measurement.
 */

/** Metric names of the Clarity catalogue (single measurements end in `Individual`). */
export const DEMO_METRICS = [
  'pm2_5ConcMassIndividual',
  'pm10ConcMassIndividual',
  'no2ConcIndividual',
  'temperatureInternalIndividual',
  'relHumidInternalIndividual',
] as const;

/** How a site's air differs from the others: a traffic street is dirtier than a park. */
export interface SiteProfile {
  /** Background PM2.5 in µg/m³. */
  pm2_5: number;
  /** How much of the rush hours reaches the site (0: none, 1: a busy street). */
  traffic: number;
  /** Offset of the daily temperature curve in °C (a roof is warmer). */
  warmth: number;
}

export interface DemoMeasurement {
  time: string;
  metrics: Record<(typeof DEMO_METRICS)[number], number>;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Every 15 minutes over the last day (minute answers), hourly before (hour and day answers). */
export const RECENT_STEP_MS = 15 * MINUTE_MS;
export const OLDER_STEP_MS = HOUR_MS;
const RECENT_SPAN_MS = 24 * HOUR_MS;

/** A deterministic number in [0, 1) from a site and a time, standing in for sensor noise. */
function noise(seed: number, time: number, salt: number): number {
  let x = Math.imul((time / MINUTE_MS) | 0, 2654435761) ^ Math.imul(seed + 1, 40503) ^ Math.imul(salt + 7, 9973);
  x ^= x >>> 16;
  x = Math.imul(x, 2246822507);
  x ^= x >>> 13;
  x = Math.imul(x, 3266489909);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** Rush hours in UTC (the demo sites are in the UK): peaks near 08:00 and 17:30, quiet at night. */
function rushHour(hourOfDay: number): number {
  const peak = (centre: number, width: number) => Math.exp(-((hourOfDay - centre) ** 2) / (2 * width ** 2));
  return Math.max(peak(8, 1.3), 0.8 * peak(17.5, 1.6));
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The measurement a site would have sent at `time` (ms since the epoch). */
export function demoMeasurementAt(siteIndex: number, profile: SiteProfile, time: number): DemoMeasurement {
  const hourOfDay = (time % (24 * HOUR_MS)) / HOUR_MS;
  const rush = rushHour(hourOfDay);
  // A slow swing over days, as weather moves air masses in and out.
  const weather = 1 + 0.35 * Math.sin((2 * Math.PI * time) / (3.7 * 24 * HOUR_MS) + siteIndex);
  const jitter = (salt: number) => 0.85 + 0.3 * noise(siteIndex, time, salt);
  const pm2_5 = (profile.pm2_5 * weather + 14 * profile.traffic * rush) * jitter(1);
  const pm10 = (pm2_5 * 1.6 + 4 * profile.traffic * rush) * jitter(2);
  const no2 = (9 + 38 * profile.traffic * rush + 6 * weather) * jitter(3);
  const daily = Math.cos((2 * Math.PI * (hourOfDay - 15)) / 24);
  const temperature = 11 + profile.warmth + 5.5 * daily + 1.5 * (noise(siteIndex, time, 4) - 0.5);
  const humidity = Math.min(98, Math.max(25, 72 - 16 * daily + 6 * (noise(siteIndex, time, 5) - 0.5)));
  return {
    time: new Date(time).toISOString(),
    metrics: {
      pm2_5ConcMassIndividual: round(pm2_5, 2),
      pm10ConcMassIndividual: round(pm10, 2),
      no2ConcIndividual: round(no2, 2),
      temperatureInternalIndividual: round(temperature, 2),
      relHumidInternalIndividual: round(humidity, 1),
    },
  };
}

/**
 * The times a site reported in (`from`, `until`]: every 15 minutes in the last day before
 * `until`, hourly before that. Times sit on their step's grid, so two starts agree on them.
 */
export function demoTimes(from: number, until: number): number[] {
  const times: number[] = [];
  const onGrid = (step: number, after: number, upTo: number) => {
    for (let time = Math.floor(after / step) * step + step; time <= upTo; time += step) times.push(time);
  };
  const split = Math.min(until, Math.max(from, until - RECENT_SPAN_MS));
  onGrid(OLDER_STEP_MS, from, split);
  onGrid(RECENT_STEP_MS, split, until);
  return times;
}
