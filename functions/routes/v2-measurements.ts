import * as data from '../core/clarity/v2-schemas';
import { routeTable } from '../core/http/route';
import { DAY_MS, HOUR_MS } from '../core/platform/time';
import { MAX_FUTURE_MS, MAX_MEASUREMENTS_PER_ANSWER, RETENTION_MS, WINDOW_MS } from '../core/measurements/measurement-windows';
import {
  CONTINUATION_TOKEN_LIFETIME_SECONDS,
  DEFAULT_CONTINUATION_SETTLE_MS,
  DEFAULT_MAX_VALUES_PER_ANSWER,
  DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER,
  JSON_LONG_BYTES_PER_VALUE,
  STREAMED_RESPONSE_MAX_BYTES,
  withThousands,
} from '../core/platform/limits';

const RECENT_DESCRIPTION = [
  'Clarity v2 compatible. Body: `org`, `datasourceIds` (1 to 1000; Clarity publishes no limit) or `allDatasources: true`, `outputFrequency` (`minute` default, `hour`, `day`), `format` (`json-long` default, `csv-wide`), `startTime`, `metricSelect`, `qcAssessment`, `qcFlags`, `locationRounding` (decimal places of the locations, 0 to 15), `replyWithContinuationToken`. Other fields and `null` values are ignored.',
  `Windows: \`minute\` the single measurements of the last ${WINDOW_MS.minute / HOUR_MS} hours (metric names end in \`Individual\`); \`hour\` the ${WINDOW_MS.hour / HOUR_MS} UTC hours up to the current one: \`<m>1HourMean\`, \`<m>24HourRollingMean\`, the PM NowCasts and the US EPA AQIs (\`...UsEpaAqi\`) on them and on the hourly gases; \`day\` the ${WINDOW_MS.day / DAY_MS} UTC days up to today: \`<m>24HourMean\` and the PM AQIs on them. The catalogue (\`GET /v2/metrics\`) lists every name and how it is computed. \`startTime\` narrows the window. Hourly and daily rows are computed from aggregates that ingest keeps (a row per hour or day that has measurements).`,
  "`metricSelect`: Clarity's selector language (`default`, `all`, `none`/`only`, `+`, `-`, `*` globs, `:category` as listed in `GET /v2/metrics`); absent means `default`. Datagate reading: commas separate terms like `+`, and a list without a start word selects exactly the listed metrics.",
  '`json-long`: each row carries `raw`, `value` and `status` as the reading was sent (a number sent: `raw` = `value`, `sensor-ready`; `value` null while a cloud-calibrated metric has no calibrated value; means: `sensor-ready`), `qcAssessment` and `qcFlags` when asked (as sent, else `valid` and `[]`: Datagate applies no QC flags of its own), and for means `startOfPeriod` and `endOfPeriod` (`time` is the start). `request` echoes the query, normalised. `locations` lists the datasources in `data` that have a location.',
  "`csv-wide` (`text/csv`), as Clarity writes it: one row per datasource and time; columns `datasourceId, sourceId, sourceType, outputFrequency, time` (means: `startOfPeriod, endOfPeriod`), `locationLatitude, locationLongitude`, then per metric, in alphabetical order, `<metric>.qcAssessment, <metric>.qcFlags` (when asked), `<metric>.raw, <metric>.status, <metric>.value`; empty cells where a row lacks a metric. `sourceId` is the datasource's `currentSourceId`.",
  `Whole answers: an answer holds the whole window (as narrowed by \`startTime\`) of every datasource asked for, whether or not a continuation token is asked for, in one answer. It is streamed: rows are written as they are read, gzip-encoded by Datagate when the client sends \`Accept-Encoding: gzip\`, so a large answer starts at once and takes as long as its bytes take to send. A query whose answer would hold more than ${withThousands(DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER)} values (\`json-long\` \`data\` entries, or \`csv-wide\` metric cells; about ${Math.round((DEFAULT_MAX_VALUES_PER_STREAMED_ANSWER * JSON_LONG_BYTES_PER_VALUE) / 1e6)} MB of json-long, near Lambda's ${STREAMED_RESPONSE_MAX_BYTES / 1e6} MB for a streamed answer) is refused up front with 413 naming the limit: ask for fewer datasources, a later \`startTime\`, fewer metrics, or request a report. An answer is never cut short with a 200: if the service fails half-way the transfer is broken off (the client sees an incomplete transfer, or a gzip stream that does not end), never a shorter answer that looks whole.`,
  "Continuation tokens (`replyWithContinuationToken: true`, Clarity's meaning): the header `x-clarity-continuation-token` carries a token for the continuation route, which answers what is new since this answer. Measurements received in the last few seconds (the settle lag) are left out of this answer and are the first continuation's, so none is sent twice or passed by. Clients never need a token to get the window itself.",
].join('\n\n');

/** The answer of both recent-measurement routes: JSON, csv-wide as text/csv, and the continuation header. */
const recentMeasurementsResponse = (description: string, tokenWhen: string) => ({
  description,
  schema: data.recentMeasurementsSchema,
  mediaTypes: { 'text/csv': { schema: data.recentMeasurementsCsvSchema } },
  headers: {
    [data.CONTINUATION_HEADER]: {
      description: `A continuation token, ${tokenWhen}.`,
      schema: data.continuationTokenHeaderSchema,
    },
  },
});

/** Measurements through the data API: ingest, recent query and its continuations (Clarity v2). */
export const v2MeasurementRoutes = routeTable({
  v2IngestMeasurements: {
    operationId: 'v2IngestMeasurements',
    method: 'POST',
    path: '/v2/datasources/{datasourceId}/measurements',
    handler: 'data/ingest-measurements',
    credential: 'apiKey',
    grant: 'manageDatasources',
    tableAccess: 'readWrite',
    summary: 'Ingest 1 to 500 measurements of a datasource',
    description: [
      'Not in Clarity v2 (a Datagate extension). Body `{org, measurements}`: `org` belongs in the body, as on every POST; the query string `?org=` is still accepted, and when both are sent they must name the same org (400 otherwise). Other body fields are ignored.',
      'All or nothing: the whole batch is validated before anything is written, and one bad item (400, `details` names it) writes nothing. If DynamoDB fails mid-batch the answer is 503: send the same batch again, it overwrites what was written.',
      `The same datasource and \`time\` sent again overwrites, never duplicates (times are normalised to milliseconds, UTC). A \`time\` more than ${MAX_FUTURE_MS / 60_000} minutes ahead, or older than the ${RETENTION_MS / DAY_MS} days measurements are kept, is refused. \`accepted\` is the number of measurements sent.`,
      'Metric names: those of the catalogue (`GET /v2/metrics`), as minute names (`pm2_5ConcMassIndividual`) or base names (`pm2_5ConcMass`, stored under the minute name); any other name is 400. At least 1 metric per measurement, each named once.',
      "Each metric is a number (raw = value, status `sensor-ready`) or a reading object `{raw, value?, status?, qcAssessment?, qcFlags?}` as Clarity words it: `value` is the calibrated value of a cloud-calibrated metric (`calibrated` in the catalogue), or null while there is none; `status` one of Clarity's (`sensor-ready`, `calibrated-ready`, `calibrated-reprocessing`, `calibration-processing`, `calibration-missing`, `calibration-error`). Queries, csv-wide and reports answer readings as sent; means, NowCasts and AQIs use `value` and skip readings whose value is null. An unknown status, a non-number, or a status that contradicts the value (a null value with `calibrated-ready`) is 400 naming the attribute (`measurements.3.metrics.no2ConcIndividual.status`).",
      'Hourly and daily aggregates (sums and counts per metric) are updated in the same call, exactly: a resend or overwrite adds only the difference it makes. Ingests of one datasource take turns (a lease); one that waits more than a few seconds is 503 with `Retry-After`.',
    ].join('\n\n'),
    who: 'admin, technician',
    params: data.datasourceParamsSchema,
    query: data.ingestQuerySchema,
    body: data.ingestBodySchema,
    responses: { 202: { description: 'Written.', schema: data.ingestAnswerSchema } },
    errors: [400, 403, 404],
  },
  v2QueryRecentMeasurements: {
    operationId: 'v2QueryRecentMeasurements',
    method: 'POST',
    path: '/v2/recent-datasource-measurements-query',
    handler: 'data/query-recent-measurements',
    credential: 'apiKey',
    grant: 'readListedDatasources',
    tableAccess: 'read',
    continuationTokens: true,
    streamed: true,
    summary: 'Recent measurements of datasources, newest first',
    description: RECENT_DESCRIPTION,
    who: 'any grant (guest: its list)',
    body: data.recentQueryBodySchema,
    responses: {
      200: recentMeasurementsResponse(
        '`json-long` (`application/json`) or, with `format: "csv-wide"`, `text/csv`.',
        'when the query asked for one with `replyWithContinuationToken: true`',
      ),
    },
    errors: [400, 403],
  },
  v2ContinueRecentMeasurements: {
    operationId: 'v2ContinueRecentMeasurements',
    method: 'POST',
    path: '/v2/recent-datasource-measurements-continuation',
    handler: 'data/continue-recent-measurements',
    credential: 'apiKey',
    grant: 'readListedDatasources',
    tableAccess: 'read',
    continuationTokens: true,
    streamed: true,
    summary: 'What is new since the previous answer of a query',
    description: [
      "Body `{org, continuationToken}`. Answers in the original query's format and frequency, within its window as narrowed by its `startTime` and with its `metricSelect`, with a fresh token in `x-clarity-continuation-token`.",
      'Every measurement ingested is delivered exactly once across a chain of continuations, whatever its `time` (as long as it is within the window): the chain follows ingest order, not measurement time. A measurement sent again is delivered again (it is a new value). For `hour` and `day`, each period touched by a new measurement is sent again, recomputed whole.',
      `Delivery lags ingest by a few seconds (the settle lag, ${DEFAULT_CONTINUATION_SETTLE_MS / 1000} s), so that a write in flight can never be passed by. An answer holds what is new up to ${DEFAULT_MAX_VALUES_PER_ANSWER} values and ${MAX_MEASUREMENTS_PER_ANSWER} measurements, taken in ingest order; more than that comes in the next continuation, still exactly once (a client that polls sooner than that much arrives gets everything at each poll). Streamed, as the query. For \`hour\`, a new measurement changes its hour and the rolling means and NowCasts of the 23 hours after it: each of those rows is sent again.`,
      `A token is good for ${CONTINUATION_TOKEN_LIFETIME_SECONDS / 3600} hours and only for the application, the org and the query it was issued for; an altered, foreign or expired token is 400. With \`allDatasources\`, datasources added to the org (or to a guest's list) join the chain; a retired datasource leaves every chain at once.`,
    ].join('\n\n'),
    who: 'any grant (guest: its list)',
    body: data.continuationBodySchema,
    responses: {
      200: recentMeasurementsResponse(
        "As for the query, in the original query's format.",
        'always: it resumes after this answer',
      ),
    },
    errors: [400, 403],
  },
});
