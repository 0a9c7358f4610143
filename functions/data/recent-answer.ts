import type { ApplicationPrincipal } from '../core/principal';
import { signContinuationToken } from '../core/continuation-tokens';
import type { Reply } from '../core/http/reply';
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

function csvWide(answer: RecentAnswer, query: RecentQuery): string {
  const metrics = [...new Set(answer.rows.flatMap((row) => Object.keys(row.metrics)))].sort();
  const byId = new Map(answer.datasources.map((datasource) => [datasource.datasourceId, datasource]));
  const timeColumns = query.outputFrequency === 'minute' ? ['time'] : ['startOfPeriod', 'endOfPeriod'];
  const header = [
    'datasourceId',
    'sourceType',
    'outputFrequency',
    ...timeColumns,
    'locationLatitude',
    'locationLongitude',
    ...metrics,
  ];
  const line = (row: Row) => {
    const datasource = byId.get(row.datasourceId);
    const times = query.outputFrequency === 'minute' ? [row.time] : [row.time, row.endOfPeriod];
    return [
      row.datasourceId,
      datasource?.sourceType,
      query.outputFrequency,
      ...times,
      datasource?.location?.lat,
      datasource?.location?.lon,
      ...metrics.map((metric) => row.metrics[metric]),
    ]
      .map(csvCell)
      .join(',');
  };
  return [header.join(','), ...answer.rows.map(line)].join('\n') + '\n';
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
