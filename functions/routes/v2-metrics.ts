import * as data from '../core/clarity/v2-schemas';
import { routeTable } from '../core/http/route';

/** The metric catalogue (data API). */
export const v2MetricRoutes = routeTable({
  v2ListMetrics: {
    operationId: 'v2ListMetrics',
    method: 'GET',
    path: '/v2/metrics',
    handler: 'data/list-metrics',
    credential: 'apiKey',
    grant: 'anyKey',
    tableAccess: 'none',
    summary: 'The metric catalogue: names, units, frequencies, categories, AQIs',
    description: [
      "Clarity's metric names: minute metrics end in `Individual` (what ingest accepts); `hour` answers `<m>1HourMean`, `<m>24HourRollingMean` (mean of the 24 hourly means ending with the hour, given at least 18 of them), the PM NowCasts (`pm2_5ConcMassNowcast`, `pm10ConcMassNowcast`: the US EPA NowCast over 12 hourly means, weight factor min/max floored at 0.5, valid with 2 of the 3 most recent hours) and US EPA AQIs (`UsEpaAqi` suffix) on the NowCasts and on the 1-hour means of NO2, SO2 and O3; `day` answers `<m>24HourMean` and the PM AQIs on them.",
      "AQIs follow the breakpoints of the EPA's Technical Assistance Document for the Reporting of Daily Air Quality (May 2024): the concentration is truncated first (PM2.5 to a tenth of a µg/m³, PM10 and gases in ppb to whole numbers, O3 to a thousandth of a ppm), the AQI is an integer; above the top breakpoint the top band is extrapolated (AQI over 500); negative concentrations give 0. 1-hour O3 has an AQI only from 125 ppb; 1-hour SO2 only up to 304 ppb.",
      'Units: particle mass µg/m³, gases ppb. `categories` are the `metricSelect` categories (`:pm25`, `:internal`, ...); `inDefault` marks the `default` set. A Datagate extension: Clarity publishes its dictionary in its guide, not as a route.',
    ].join('\n\n'),
    who: 'any valid key',
    responses: { 200: { description: 'The catalogue.', schema: data.metricCatalogueSchema } },
    errors: [],
  },
});
