import type { AqiPollutant } from './catalogue';

/**
 * The US EPA Air Quality Index of a concentration (pure).
 *
 * Source: US EPA, "Technical Assistance Document for the Reporting of Daily Air Quality – the Air
 * Quality Index (AQI)", EPA-454/B-24-002, May 2024 (the revision that lowered the PM2.5 "Good"
 * breakpoint to 9.0 µg/m³ and merged the two top PM bands into 301-500), Table 6 (breakpoints),
 * Equation 1 (linear interpolation) and the truncation rules that precede it:
 * - O3 (ppm) truncated to 3 decimals; PM2.5 (µg/m³) to 1 decimal; PM10 (µg/m³) to an integer;
 *   CO (ppm) to 1 decimal; SO2 and NO2 (ppb) to integers.
 * - I = (I_hi − I_lo) / (BP_hi − BP_lo) × (C_p − BP_lo) + I_lo, rounded to the nearest integer.
 * - 8-hour O3 does not define AQIs above 300 and 1-hour O3 none below 101: a 1-hour O3
 *   concentration below 0.125 ppm has no 1-hour AQI (undefined here). 1-hour SO2 defines AQIs up
 *   to 200 only (above 304 ppb the EPA uses 24-hour SO2): a 1-hour SO2 over 304 ppb has no AQI here.
 *
 * Datagate's choices where the document leaves room (recorded in `GET /v2/metrics` and the README):
 * - Beyond the table: a concentration above the highest breakpoint is extrapolated along the top
 *   band (301-500), so the AQI keeps rising above 500 instead of being clipped ("beyond the AQI").
 * - Negative concentrations (sensor noise around zero) give AQI 0, like the lowest breakpoint.
 */

interface Band {
  /** Breakpoint concentrations, in the table's unit, after truncation. */
  lo: number;
  hi: number;
  aqiLo: number;
  aqiHi: number;
}

/** A pollutant's table: its averaging time, unit, truncation (decimals) and bands. */
export interface AqiTable {
  pollutant: string;
  averaging: '1-hour' | '8-hour' | '24-hour';
  unit: string;
  decimals: number;
  bands: readonly Band[];
}

const band = (lo: number, hi: number, aqiLo: number, aqiHi: number): Band => ({ lo, hi, aqiLo, aqiHi });

/** Table 6 of EPA-454/B-24-002 (May 2024). */
export const AQI_TABLES = {
  pm2_5: {
    pollutant: 'PM2.5',
    averaging: '24-hour',
    unit: 'µg/m³',
    decimals: 1,
    bands: [
      band(0.0, 9.0, 0, 50),
      band(9.1, 35.4, 51, 100),
      band(35.5, 55.4, 101, 150),
      band(55.5, 125.4, 151, 200),
      band(125.5, 225.4, 201, 300),
      band(225.5, 325.4, 301, 500),
    ],
  },
  pm10: {
    pollutant: 'PM10',
    averaging: '24-hour',
    unit: 'µg/m³',
    decimals: 0,
    bands: [
      band(0, 54, 0, 50),
      band(55, 154, 51, 100),
      band(155, 254, 101, 150),
      band(255, 354, 151, 200),
      band(355, 424, 201, 300),
      band(425, 604, 301, 500),
    ],
  },
  o3_8h: {
    pollutant: 'O3',
    averaging: '8-hour',
    unit: 'ppm',
    decimals: 3,
    bands: [
      band(0.0, 0.054, 0, 50),
      band(0.055, 0.07, 51, 100),
      band(0.071, 0.085, 101, 150),
      band(0.086, 0.105, 151, 200),
      band(0.106, 0.2, 201, 300),
    ],
  },
  o3_1h: {
    pollutant: 'O3',
    averaging: '1-hour',
    unit: 'ppm',
    decimals: 3,
    bands: [band(0.125, 0.164, 101, 150), band(0.165, 0.204, 151, 200), band(0.205, 0.404, 201, 300), band(0.405, 0.604, 301, 500)],
  },
  co: {
    pollutant: 'CO',
    averaging: '8-hour',
    unit: 'ppm',
    decimals: 1,
    bands: [
      band(0.0, 4.4, 0, 50),
      band(4.5, 9.4, 51, 100),
      band(9.5, 12.4, 101, 150),
      band(12.5, 15.4, 151, 200),
      band(15.5, 30.4, 201, 300),
      band(30.5, 50.4, 301, 500),
    ],
  },
  so2_1h: {
    pollutant: 'SO2',
    averaging: '1-hour',
    unit: 'ppb',
    decimals: 0,
    bands: [band(0, 35, 0, 50), band(36, 75, 51, 100), band(76, 185, 101, 150), band(186, 304, 151, 200)],
  },
  no2: {
    pollutant: 'NO2',
    averaging: '1-hour',
    unit: 'ppb',
    decimals: 0,
    bands: [
      band(0, 53, 0, 50),
      band(54, 100, 51, 100),
      band(101, 360, 101, 150),
      band(361, 649, 151, 200),
      band(650, 1249, 201, 300),
      band(1250, 2049, 301, 500),
    ],
  },
} as const satisfies Record<string, AqiTable>;

/** EPA truncation: drop (never round) the digits after `decimals`. */
export function truncate(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // The epsilon absorbs binary noise such as 35.4 * 10 = 353.99999999999994.
  return Math.trunc(value * factor + Math.sign(value) * 1e-9) / factor;
}

/**
 * The AQI of a concentration in the table's unit, or undefined where the table defines none
 * (1-hour O3 below 0.125 ppm, 1-hour SO2 above 304 ppb). Truncates first, as the EPA does.
 * Concentrations between two bands after truncation cannot happen (bands are contiguous at
 * the truncation step), so each truncated value falls in exactly one band or beyond the top.
 */
export function aqiOf(table: AqiTable, concentration: number): number | undefined {
  if (!Number.isFinite(concentration)) return undefined;
  const c = truncate(concentration, table.decimals);
  const bands = table.bands;
  if (c < bands[0]!.lo) return bands[0]!.aqiLo === 0 ? 0 : undefined;
  const top = bands[bands.length - 1]!;
  const found = bands.find((candidate) => c <= candidate.hi) ?? (table === AQI_TABLES.so2_1h ? undefined : top);
  if (!found) return undefined;
  return Math.round(((found.aqiHi - found.aqiLo) / (found.hi - found.lo)) * (c - found.lo) + found.aqiLo);
}

/**
 * The AQI of a catalogue metric's value, converting Datagate's units to the table's: PM in
 * µg/m³ as is; NO2 and SO2 in ppb as is; O3 in ppb to ppm (÷1000) for the 1-hour table.
 */
export function aqiOfMetric(pollutant: AqiPollutant, value: number): number | undefined {
  switch (pollutant) {
    case 'pm2_5':
      return aqiOf(AQI_TABLES.pm2_5, value);
    case 'pm10':
      return aqiOf(AQI_TABLES.pm10, value);
    case 'no2':
      return aqiOf(AQI_TABLES.no2, value);
    case 'so2':
      return aqiOf(AQI_TABLES.so2_1h, value);
    case 'o3':
      return aqiOf(AQI_TABLES.o3_1h, value / 1000);
  }
}
