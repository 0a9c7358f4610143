import type { OutputFrequency } from '../platform/time';
/**
 * The metric catalogue: every metric the data API accepts and answers, under the names Clarity's
 * v2 API uses. No I/O; served as `GET /v2/metrics` and used by ingest, the query and `metricSelect`.
 *
 * Sources (read 2026-11-28):
 * - Clarity API guide, "Metrics in measurements" (https://api-guide.clarity.io/v2/measurements/metrics):
 *   a metric joins what is sensed, a trait, the aggregation (no aggregation, 1-hour mean, 24-hour
 *   mean) and the unit or index (μg/m³, ppb, US EPA AQI); attributes `raw`, `value`, `status`
 *   (`sensor-ready` for direct metrics), and `qc` / `qcFlags` when asked.
 * - Clarity API guide, "Recent measurements" (https://api-guide.clarity.io/v2/measurements/recent-datasource-measurements):
 *   `hour` returns "1-Hour Mean, 24-Hour Rolling Mean and NowCast aggregations, and AQIs which
 *   are calculated on these aggregations as per their standard"; `day` returns "24-Hour Mean
 *   aggregations, and AQIs which are calculated on these aggregations".
 * - Clarity API guide, "Metrics selection" (https://api-guide.clarity.io/v2/measurements/metrics-select/):
 *   categories with a leading colon (`:no2`, `:pollutant`, `:node2`, `:blackcarbon`), examples
 *   `only *nowcast*`, `default - *aqi*`.
 * - A real csv-wide export (test/fixtures/clarity-csv-wide-minute-sample.csv, from
 *   healthyregions/clarity-aq-pipeline): the minute metric names, all ending in `Individual`.
 * - Public clients reading Clarity's hourly output use `pm2_5ConcMassNowcast`,
 *   `pm2_5ConcMassNowcastUsEpaAqi`, `pm10ConcMassNowcastUsEpaAqi`, `no2Conc1HourMean`,
 *   `no2Conc1HourMeanUsEpaAqi`, `pm2_5ConcMass24HourRollingMean`, `temperatureAmbient1HourMean`,
 *   `windSpeed1HourMean` (e.g. the LAUSD OpenMap readers found with the search tool).
 *
 * Units: the guide names μg/m³ and ppb without a per-metric table that could be read; Datagate
 * takes particle mass in μg/m³, gases in ppb (the unit of the EPA's NO2 and SO2 AQI tables), and
 * says so here and in `GET /v2/metrics`. Clients that send other units get wrong AQIs, not an error.
 */

/** The AQI pollutant tables of ./aqi.ts a metric's AQIs use. */
export type AqiPollutant = 'pm2_5' | 'pm10' | 'no2' | 'so2' | 'o3';

export interface BaseMetric {
  /** The name without aggregation suffix, e.g. `pm2_5ConcMass`. */
  base: string;
  description: string;
  unit: string;
  /** Category names, without the leading colon. */
  categories: readonly string[];
  /** Set when the metric has US EPA AQIs (see derivedMetrics for which aggregations carry them). */
  aqi?: AqiPollutant;
  /** In the `default` metricSelect set. */
  inDefault: boolean;
  /**
   * Cloud-calibrated (Clarity's guide: PM2.5 and NO2 are examples; the real export in
   * test/fixtures/ has PM1, PM2.5 and PM10 mass and NO2 `calibrated-ready` or `calibration-missing`):
   * its readings may carry a calibrated `value` apart from `raw`, or none yet.
   */
  calibrated?: true;
}

const PM = ['pollutant', 'particulate', 'node2'];
const BC = ['pollutant', 'blackcarbon'];
const ENV = ['environmental'];

/** Every sensed metric, in name order. */
export const BASE_METRICS: readonly BaseMetric[] = [
  { base: 'atmPressure', description: 'Atmospheric pressure', unit: 'hPa', categories: [...ENV, 'ambient'], inDefault: false },
  { base: 'bcAllSources', description: 'Black carbon, all sources', unit: 'µg/m³', categories: BC, inDefault: true },
  { base: 'bcBiomass', description: 'Black carbon from biomass burning', unit: 'µg/m³', categories: BC, inDefault: true },
  { base: 'bcFossilFuel', description: 'Black carbon from fossil fuel', unit: 'µg/m³', categories: BC, inDefault: true },
  { base: 'bcSpectralB', description: 'Black carbon absorption, blue channel', unit: 'µg/m³', categories: BC, inDefault: false },
  { base: 'bcSpectralG', description: 'Black carbon absorption, green channel', unit: 'µg/m³', categories: BC, inDefault: false },
  {
    base: 'bcSpectralIR',
    description: 'Black carbon absorption, infrared channel',
    unit: 'µg/m³',
    categories: BC,
    inDefault: false,
  },
  { base: 'bcSpectralR', description: 'Black carbon absorption, red channel', unit: 'µg/m³', categories: BC, inDefault: false },
  {
    base: 'bcSpectralUV',
    description: 'Black carbon absorption, ultraviolet channel',
    unit: 'µg/m³',
    categories: BC,
    inDefault: false,
  },
  {
    base: 'no2Conc',
    description: 'Nitrogen dioxide concentration',
    unit: 'ppb',
    categories: ['pollutant', 'gas', 'no2', 'node2'],
    aqi: 'no2',
    inDefault: true,
    calibrated: true,
  },
  {
    base: 'o3Conc',
    description: 'Ozone concentration',
    unit: 'ppb',
    categories: ['pollutant', 'gas', 'o3'],
    aqi: 'o3',
    inDefault: true,
  },
  {
    base: 'pm10ConcMass',
    description: 'PM10 mass concentration',
    unit: 'µg/m³',
    categories: [...PM, 'pm10'],
    aqi: 'pm10',
    inDefault: true,
    calibrated: true,
  },
  {
    base: 'pm10ConcNum',
    description: 'PM10 number concentration',
    unit: 'particles/cm³',
    categories: [...PM, 'pm10'],
    inDefault: false,
  },
  {
    base: 'pm1ConcMass',
    description: 'PM1 mass concentration',
    unit: 'µg/m³',
    categories: [...PM, 'pm1'],
    inDefault: true,
    calibrated: true,
  },
  {
    base: 'pm1ConcNum',
    description: 'PM1 number concentration',
    unit: 'particles/cm³',
    categories: [...PM, 'pm1'],
    inDefault: false,
  },
  {
    base: 'pm2_5ConcMass',
    description: 'PM2.5 mass concentration',
    unit: 'µg/m³',
    categories: [...PM, 'pm25'],
    aqi: 'pm2_5',
    inDefault: true,
    calibrated: true,
  },
  {
    base: 'pm2_5ConcNum',
    description: 'PM2.5 number concentration',
    unit: 'particles/cm³',
    categories: [...PM, 'pm25'],
    inDefault: false,
  },
  {
    base: 'relHumidAmbient',
    description: 'Relative humidity, ambient',
    unit: '%',
    categories: [...ENV, 'ambient'],
    inDefault: true,
  },
  {
    base: 'relHumidInternal',
    description: 'Relative humidity inside the device',
    unit: '%',
    categories: [...ENV, 'internal', 'node2'],
    inDefault: true,
  },
  {
    base: 'so2Conc',
    description: 'Sulfur dioxide concentration',
    unit: 'ppb',
    categories: ['pollutant', 'gas', 'so2'],
    aqi: 'so2',
    inDefault: true,
  },
  {
    base: 'temperatureAmbient',
    description: 'Temperature, ambient',
    unit: '°C',
    categories: [...ENV, 'ambient'],
    inDefault: true,
  },
  {
    base: 'temperatureInternal',
    description: 'Temperature inside the device',
    unit: '°C',
    categories: [...ENV, 'internal', 'node2'],
    inDefault: true,
  },
  {
    base: 'windDirection',
    description: 'Wind direction (arithmetic mean of degrees in aggregates)',
    unit: '°',
    categories: [...ENV, 'ambient', 'wind'],
    inDefault: true,
  },
  { base: 'windSpeed', description: 'Wind speed', unit: 'm/s', categories: [...ENV, 'ambient', 'wind'], inDefault: true },
];

/** How a derived metric is computed; see ./derived-metrics.ts. */
export type Derivation =
  'individual' | '1HourMean' | '24HourRollingMean' | 'nowcast' | 'nowcastAqi' | '1HourMeanAqi' | '24HourMean' | '24HourMeanAqi';

export interface CatalogueMetric {
  /** The name as answers carry it, e.g. `pm2_5ConcMassNowcastUsEpaAqi`. */
  metric: string;
  base: string;
  outputFrequency: OutputFrequency;
  derivation: Derivation;
  description: string;
  unit: string;
  categories: readonly string[];
  /** True for metrics that are US EPA AQI values. */
  isAqi: boolean;
  inDefault: boolean;
  /** Cloud-calibrated: readings may carry a calibrated value apart from raw (means and AQIs use the value). */
  calibrated: boolean;
}

export const MINUTE_SUFFIX = 'Individual';
export const AQI_SUFFIX = 'UsEpaAqi';

/** PM metrics with a NowCast (EPA: PM2.5 and PM10). */
const NOWCAST_POLLUTANTS: readonly AqiPollutant[] = ['pm2_5', 'pm10'];
/** Gases whose AQI is computed on 1-hour means (EPA: NO2 and SO2 always, O3 1-hour where it applies). */
const HOURLY_AQI_POLLUTANTS: readonly AqiPollutant[] = ['no2', 'so2', 'o3'];
/** Pollutants whose AQI is computed on 24-hour means (EPA: PM2.5 and PM10). */
const DAILY_AQI_POLLUTANTS: readonly AqiPollutant[] = ['pm2_5', 'pm10'];

function derivedOf(base: BaseMetric): CatalogueMetric[] {
  const make = (metric: string, outputFrequency: OutputFrequency, derivation: Derivation, what: string, isAqi = false) => ({
    metric: `${base.base}${metric}`,
    base: base.base,
    outputFrequency,
    derivation,
    description: `${base.description}, ${what}`,
    unit: isAqi ? 'US EPA AQI' : base.unit,
    categories: isAqi ? [...base.categories, 'aqi'] : base.categories,
    isAqi,
    inDefault: base.inDefault,
    calibrated: base.calibrated === true,
  });
  const metrics: CatalogueMetric[] = [
    make(MINUTE_SUFFIX, 'minute', 'individual', 'single measurement'),
    make('1HourMean', 'hour', '1HourMean', '1-hour mean'),
    make('24HourRollingMean', 'hour', '24HourRollingMean', 'mean of the 24 hourly means ending with the hour'),
    make('24HourMean', 'day', '24HourMean', '24-hour (UTC day) mean'),
  ];
  if (base.aqi && NOWCAST_POLLUTANTS.includes(base.aqi)) {
    metrics.push(make('Nowcast', 'hour', 'nowcast', 'US EPA NowCast over 12 hourly means'));
    metrics.push(make(`Nowcast${AQI_SUFFIX}`, 'hour', 'nowcastAqi', 'US EPA AQI of the NowCast', true));
  }
  if (base.aqi && HOURLY_AQI_POLLUTANTS.includes(base.aqi)) {
    metrics.push(make(`1HourMean${AQI_SUFFIX}`, 'hour', '1HourMeanAqi', 'US EPA AQI of the 1-hour mean', true));
  }
  if (base.aqi && DAILY_AQI_POLLUTANTS.includes(base.aqi)) {
    metrics.push(make(`24HourMean${AQI_SUFFIX}`, 'day', '24HourMeanAqi', 'US EPA AQI of the 24-hour mean', true));
  }
  return metrics;
}

/** Every metric of every output frequency, in name order. */
export const CATALOGUE: readonly CatalogueMetric[] = BASE_METRICS.flatMap(derivedOf).sort((a, b) =>
  a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0,
);

const byName = new Map(CATALOGUE.map((entry) => [entry.metric, entry]));
const baseByName = new Map(BASE_METRICS.map((base) => [base.base, base]));

/** The catalogue entry of an answer metric name, or undefined. Exact, case-sensitive. */
export const catalogueMetric = (metric: string): CatalogueMetric | undefined => byName.get(metric);

/** The sensed metric of a base name, or undefined. */
export const baseMetric = (base: string): BaseMetric | undefined => baseByName.get(base);

/** The catalogue's metrics of one output frequency, in name order. */
export const metricsOf = (frequency: OutputFrequency): CatalogueMetric[] =>
  CATALOGUE.filter((entry) => entry.outputFrequency === frequency);

/**
 * The stored (minute) name of a name a client sends to ingest: a catalogue minute name as is
 * (`pm2_5ConcMassIndividual`), or a base name (`pm2_5ConcMass`, which earlier Datagate clients
 * sent) mapped to its minute name. Undefined for anything else, which ingest refuses (400).
 */
export function ingestName(name: string): string | undefined {
  const entry = byName.get(name);
  if (entry) return entry.outputFrequency === 'minute' ? name : undefined;
  return baseByName.has(name) ? `${name}${MINUTE_SUFFIX}` : undefined;
}

/** `pm2_5ConcMassIndividual` -> `pm2_5ConcMass`; undefined when not a catalogue minute name. */
export function baseOfMinuteName(name: string): string | undefined {
  const entry = byName.get(name);
  return entry?.outputFrequency === 'minute' ? entry.base : undefined;
}
