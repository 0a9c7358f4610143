import * as reports from '../core/clarity/report-schemas';
import { routeTable } from '../core/http/route';
import { DEFAULT_REPORT_ROWS_PER_FILE, withThousands } from '../core/platform/limits';
import { REPORTS_PER_ORG_PER_DAY, REPORT_RETENTION_DAYS } from '../core/reports/report-limits';
import { MAX_REPORT_DAYS } from '../core/clarity/report-schemas';

const REPORT_REQUEST_DESCRIPTION = [
  'Clarity v2\'s historical measurements (report requests). Body: `org`, `report`, `outputFrequency` (`minute`, `hour`, `day`), `startTime` (inclusive), `endTime` (exclusive), `metricSelect`, `fileFormat` (`csv-wide` or `csv`, the default; `parquet-wide` or `parquet`; `format` is accepted as an alias), `qcAssessment`, `qcFlags`, `metricLabelStyle` (`canonical`, the default: `pm2_5ConcMass1HourMean.raw`; `english`: the catalogue\'s description and the attribute, `PM2.5 mass concentration, 1-hour mean raw`, for people, never an identifier; `legacy`: Clarity\'s labels from before its metrics dictionary; accepted, but Datagate has no table of those older labels and writes the canonical ones). Times without a zone are UTC; booleans also take `"true"`/`"false"`.',
  '`report`: `datasource-measurements` with `datasourceIds` (1 to 100) or `allDatasources: true`; `node-measurements` with `nodeIds`, the devices of datasources (a Datagate datasource is its own device: its `currentSourceId`); `reference-site-measurements` with `refSiteIds`, the `currentSourceId` of datasources whose `sourceType` is `REFERENCE_SITE`. An id the application cannot read in the org is 400, named in `details`.',
  'Answers the report record at once (`reportStatus: "in-progress"`, `message: "Processing"`); poll `GET /v2/report-requests/{reportId}` until it is `succeeded` (`message: "Ready"`) or `failed` (`message` says why), then download every URL of `urls` with a plain GET. `query` echoes the request as Clarity does: the ids it covers (`allDatasources` resolved to the datasources it names now), `outputFrequency`, `startTime`, `endTime`, `format`, `metricLabelStyle`, and `metricSelect`, `qcAssessment`, `qcFlags` when sent.',
  `Files: the csv-wide layout of the recent query (same writer), gzip-compressed and served with \`Content-Encoding: gzip\` and \`Content-Type: text/csv\` (a client that decodes gzip reads CSV), or Parquet with the same columns. Rows by datasource, then time, oldest first; a report longer than one file (${withThousands(DEFAULT_REPORT_ROWS_PER_FILE)} rows) is split into several, in order. \`hour\` and \`day\` rows hold the recent query's metrics (means, 24-hour rolling means, NowCasts, AQIs), computed by the same code, for every period that overlaps the window, over the whole period.`,
  `Limits: ${REPORTS_PER_ORG_PER_DAY} report requests per org per UTC day, of which one application may make its connection's \`reportShare\` (set by the org's admins), then 429 with \`Retry-After\` (seconds to midnight UTC); a window spans no more than ${MAX_REPORT_DAYS} days. The datasources are checked when the report is requested and again when it runs: a report only ever holds datasources the application may read in that org (guest: its list).`,
  "Extensions: `fileFormat` and `format` may both be sent if they agree; the record carries `urls: []` until the report succeeded, and `detail`, Datagate's own account of its progress or outcome.",
].join('\n\n');

const REPORT_POLL_DESCRIPTION = `The report's status and, once it succeeded, \`urls\` (time-limited S3 pre-signed links, fresh at each poll, valid one hour) and \`urlsExpireAt\`. Only the application that requested the report sees it (404 otherwise); \`org\` is optional (Clarity's poll sends none) and must match when sent. Reports and their files are kept ${REPORT_RETENTION_DAYS} days. A report that stopped making progress (its worker could not finish it, nor record why) is answered \`failed\`: request it again.`;

/** Historical measurements (Clarity's report requests): request a report, poll it. */
export const v2ReportRoutes = routeTable({
  v2RequestReport: {
    operationId: 'v2RequestReport',
    method: 'POST',
    path: '/v2/report-requests',
    handler: 'data/request-report',
    credential: 'apiKey',
    grant: 'readListedDatasources',
    tableAccess: 'readWrite',
    idempotent: true,
    reports: 'request',
    summary: 'Request a report of measurements over a time range (historical measurements)',
    description: REPORT_REQUEST_DESCRIPTION,
    who: 'any grant (guest: its list)',
    body: reports.reportRequestBodySchema,
    responses: { 200: { description: 'The report record, in progress.', schema: reports.reportRecordSchema } },
    errors: [400, 403, 429],
  },
  v2GetReport: {
    operationId: 'v2GetReport',
    method: 'GET',
    path: '/v2/report-requests/{reportId}',
    handler: 'data/get-report',
    credential: 'apiKey',
    // The report names its org; the handler checks the grant there (the poll may send no org).
    grant: 'anyKey',
    tableAccess: 'read',
    reports: 'poll',
    summary: "A report request's status and download links",
    description: REPORT_POLL_DESCRIPTION,
    who: 'the application that requested it',
    params: reports.reportParamsSchema,
    query: reports.reportPollQuerySchema,
    responses: { 200: { description: 'The report record.', schema: reports.reportRecordSchema } },
    errors: [400, 403, 404],
  },
  v2GetReportSingular: {
    operationId: 'v2GetReportSingular',
    method: 'GET',
    path: '/v2/report-request/{reportId}',
    handler: 'data/get-report',
    credential: 'apiKey',
    // The report names its org; the handler checks the grant there (the poll may send no org).
    grant: 'anyKey',
    tableAccess: 'read',
    reports: 'poll',
    summary: "A report request's status and download links (Clarity's singular path)",
    description: `The same as \`GET /v2/report-requests/{reportId}\`, at the path Clarity's guide shows for polling. ${REPORT_POLL_DESCRIPTION}`,
    who: 'the application that requested it',
    params: reports.reportParamsSchema,
    query: reports.reportPollQuerySchema,
    responses: { 200: { description: 'The report record.', schema: reports.reportRecordSchema } },
    errors: [400, 403, 404],
  },
});
