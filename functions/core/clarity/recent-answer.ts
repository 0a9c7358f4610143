import type { ApplicationPrincipal } from '../identity/principal';
import { signContinuationToken } from '../measurements/continuation-tokens';
import { INLINE_IDS, saveDatasourceSet } from '../datasources/datasource-sets';
import type { Reply } from '../http/reply';
import type { RecentAnswer, RecentQuery, Row } from '../measurements/recent-measurements';
import { toCsvWide, type MetricCell, type WideRow } from '../air-quality/csv-wide';
import { readingOf, type StoredReading } from '../air-quality/readings';
import { CONTINUATION_HEADER, INCOMPLETE_HEADER, type RecentMeasurements } from './v2-schemas';
import { currentSourceId } from './v2-datasources';

/**
 * Renders a recent-measurements answer as Clarity v2 clients read it: `json-long` (one object per
 * metric of a row, plus `locations`) or `csv-wide` (Clarity's layout, ../core/air-quality/csv-wide.ts),
 * with the continuation token in `x-clarity-continuation-token` when one is due, and
 * `x-datagate-incomplete: true` when the answer had no room for the whole window.
 */

/**
 * A reading is answered as it was sent (../core/air-quality/readings.ts): `raw`, `value` (null
 * while a calibration is missing), `status`, and the QC attributes when the query asks for them.
 * A reading sent without QC attributes, and every mean, is assessed `valid` with no flags, which
 * is how Clarity assesses a value no flag applies to.
 */
const QC_ASSESSMENT = 'valid';

const roundTo = (value: number, decimals: number | undefined) =>
  decimals === undefined ? value : Number(value.toFixed(decimals));

/** The cell of one reading (a minute's, as stored) or one mean (a number). */
export function cellOf(stored: StoredReading, query: Pick<RecentQuery, 'qcAssessment' | 'qcFlags'>): MetricCell {
  const { raw, value, status, qcAssessment, qcFlags } = readingOf(stored);
  return {
    raw,
    value,
    status,
    ...(query.qcAssessment ? { qcAssessment: qcAssessment ?? QC_ASSESSMENT } : {}),
    ...(query.qcFlags ? { qcFlags: qcFlags ?? [] } : {}),
  };
}

function jsonLong(answer: RecentAnswer, query: RecentQuery, request: Record<string, unknown>): RecentMeasurements {
  const data = answer.rows.flatMap((row) =>
    Object.keys(row.metrics)
      .sort()
      .map((metric) => {
        const { raw, value, status, qcAssessment, qcFlags } = cellOf(row.metrics[metric]!, query);
        return {
          datasourceId: row.datasourceId,
          time: row.time,
          ...(row.endOfPeriod ? { startOfPeriod: row.time, endOfPeriod: row.endOfPeriod } : {}),
          metric,
          value,
          raw: raw!,
          status,
          ...(qcAssessment !== undefined ? { qcAssessment } : {}),
          ...(qcFlags !== undefined ? { qcFlags: [...qcFlags] } : {}),
        };
      }),
  );
  const locations = answer.datasources.flatMap(({ datasourceId, location }) =>
    location
      ? [{ datasourceId, lat: roundTo(location.lat, query.locationRounding), lon: roundTo(location.lon, query.locationRounding) }]
      : [],
  );
  return { request, data, locations };
}

/** The csv-wide rows of an answer: source ids, source types and locations from its datasources. */
export function wideRowsOf(answer: RecentAnswer, query: RecentQuery): WideRow[] {
  const byId = new Map(answer.datasources.map((datasource) => [datasource.datasourceId, datasource]));
  return answer.rows.map((row: Row) => {
    const datasource = byId.get(row.datasourceId);
    return {
      datasourceId: row.datasourceId,
      sourceId: currentSourceId(row.datasourceId),
      ...(datasource ? { sourceType: datasource.sourceType } : {}),
      outputFrequency: query.outputFrequency,
      time: row.time,
      ...(row.endOfPeriod ? { endOfPeriod: row.endOfPeriod } : {}),
      ...(datasource?.location
        ? {
            latitude: roundTo(datasource.location.lat, query.locationRounding),
            longitude: roundTo(datasource.location.lon, query.locationRounding),
          }
        : {}),
      metrics: Object.fromEntries(Object.entries(row.metrics).map(([metric, value]) => [metric, cellOf(value, query)])),
    };
  });
}

/** The query as a token carries it: a long datasource list is stored once and named by its digest. */
async function tokenQuery(query: RecentQuery): Promise<RecentQuery> {
  if (!query.datasourceIds || query.datasourceIds.length <= INLINE_IDS) return query;
  const { datasourceIds, ...rest } = query;
  return { ...rest, datasourceSet: await saveDatasourceSet(datasourceIds) };
}

/**
 * The reply to a query or a continuation. `request` is echoed in json-long answers. With
 * `withToken`, or whenever the answer has a backlog (rows of the window it had no room for), a
 * fresh token that resumes after this answer is in the header.
 */
export async function recentMeasurementsReply(
  principal: ApplicationPrincipal,
  org: string,
  query: RecentQuery,
  answer: RecentAnswer,
  { request, withToken }: { request: Record<string, unknown>; withToken: boolean },
): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (withToken || answer.backlog) {
    headers[CONTINUATION_HEADER] = await signContinuationToken(principal.applicationId, {
      org,
      query: await tokenQuery(query),
      mark: answer.mark,
      ...(answer.backlog ? { backlog: answer.backlog } : {}),
    });
  }
  if (answer.backlog) headers[INCOMPLETE_HEADER] = 'true';
  const exposed = [CONTINUATION_HEADER, INCOMPLETE_HEADER].filter((header) => header in headers);
  if (exposed.length > 0) headers['Access-Control-Expose-Headers'] = exposed.join(', ');
  if (query.format === 'csv-wide') {
    const body = toCsvWide(wideRowsOf(answer, query), {
      outputFrequency: query.outputFrequency,
      qcAssessment: query.qcAssessment,
      qcFlags: query.qcFlags,
    });
    return { status: 200, body, contentType: 'text/csv; charset=utf-8', headers };
  }
  return { status: 200, body: jsonLong(answer, query, request), headers };
}
