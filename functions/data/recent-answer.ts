import type { ApplicationPrincipal } from '../core/principal';
import { signContinuationToken } from '../core/continuation-tokens';
import type { Reply } from '../core/http/reply';
import type { Datasource } from '../core/datasources';
import type { RecentAnswer, RecentQuery, Row } from '../core/recent-measurements';
import { CONTINUATION_HEADER, type RecentMeasurements } from './schemas';

/**
 * Renders a recent-measurements answer as Clarity v2 clients read it: `json-long` (one object per
 * metric of a measurement, plus `locations`) or `csv-wide` (one row per datasource and time, one
 * column per metric holding its value, as the contract says), with the continuation token in
 * `x-clarity-continuation-token` when one is due.
 */

/** Values are stored as sent by the sensor: `raw` and `value` agree, as for Clarity's direct metrics. */
const STATUS = 'sensor-ready';

function jsonLong(answer: RecentAnswer, request: Record<string, unknown>): RecentMeasurements {
  const data = answer.rows.flatMap((row) =>
    Object.keys(row.metrics)
      .sort()
      .map((metric) => ({
        datasourceId: row.datasourceId,
        time: row.time,
        ...(row.endOfPeriod ? { startOfPeriod: row.time, endOfPeriod: row.endOfPeriod } : {}),
        metric,
        value: row.metrics[metric]!,
        raw: row.metrics[metric]!,
        status: STATUS,
      })),
  );
  const locations = answer.datasources.flatMap(({ datasourceId, location }) =>
    location ? [{ datasourceId, lat: location.lat, lon: location.lon }] : [],
  );
  return { request, data, locations };
}

const csvCell = (value: string | number | undefined) => {
  const text = value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The csv-wide header line for these metric columns (sorted), without the line break. */
export function csvWideHeader(metrics: readonly string[], frequency: RecentQuery['outputFrequency']): string {
  const timeColumns = frequency === 'minute' ? ['time'] : ['startOfPeriod', 'endOfPeriod'];
  return ['datasourceId', 'sourceType', 'outputFrequency', ...timeColumns, 'locationLatitude', 'locationLongitude', ...metrics].join(',');
}

/** One csv-wide line (without the line break): a row of `datasource`, with a cell per metric column. */
export function csvWideLine(
  row: Row,
  datasource: { sourceType?: string; location?: Datasource['location'] } | undefined,
  metrics: readonly string[],
  frequency: RecentQuery['outputFrequency'],
): string {
  const times = frequency === 'minute' ? [row.time] : [row.time, row.endOfPeriod];
  return [
    row.datasourceId,
    datasource?.sourceType,
    frequency,
    ...times,
    datasource?.location?.lat,
    datasource?.location?.lon,
    ...metrics.map((metric) => row.metrics[metric]),
  ]
    .map(csvCell)
    .join(',');
}

/** The metric columns of csv-wide rows: every metric any row holds, alphabetical. */
export const csvWideMetrics = (rows: readonly Row[]) => [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort();

function csvWide(answer: RecentAnswer, query: RecentQuery): string {
  const metrics = csvWideMetrics(answer.rows);
  const byId = new Map(answer.datasources.map((datasource) => [datasource.datasourceId, datasource]));
  const lines = answer.rows.map((row) => csvWideLine(row, byId.get(row.datasourceId), metrics, query.outputFrequency));
  return [csvWideHeader(metrics, query.outputFrequency), ...lines].join('\n') + '\n';
}

/**
 * The reply to a query or a continuation. `request` is echoed in json-long answers; with
 * `withToken`, a fresh token that resumes after this answer is in the header.
 */
export async function recentMeasurementsReply(
  principal: ApplicationPrincipal,
  org: string,
  query: RecentQuery,
  answer: RecentAnswer,
  { request, withToken }: { request: Record<string, unknown>; withToken: boolean },
): Promise<Reply> {
  const headers: Record<string, string> = withToken
    ? {
        [CONTINUATION_HEADER]: await signContinuationToken(principal.applicationId, { org, query, mark: answer.mark }),
        'Access-Control-Expose-Headers': CONTINUATION_HEADER,
      }
    : {};
  if (query.format === 'csv-wide') {
    return { status: 200, body: csvWide(answer, query), contentType: 'text/csv; charset=utf-8', headers };
  }
  return { status: 200, body: jsonLong(answer, request), headers };
}
