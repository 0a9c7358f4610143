import { v2MeasurementRoutes } from '../routes/v2-measurements';
import { defineRoute } from '../core/http/define-route';
import { queryRecentMeasurements, type RecentQuery } from '../core/measurements/recent-measurements';
import { recentMeasurementsReply } from '../core/clarity/recent-answer';
import { readableDatasources } from '../core/orgs/roles';
import { countForRequest } from '../core/http/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

export const handler = defineRoute(
  v2MeasurementRoutes.v2QueryRecentMeasurements,
  async ({ body, principal, org, grant, event }) => {
    const { org: _org, replyWithContinuationToken, ...options } = body;
    const query: RecentQuery = {
      allDatasources: options.allDatasources === true,
      ...(options.allDatasources === true ? {} : { datasourceIds: options.datasourceIds }),
      outputFrequency: options.outputFrequency,
      format: options.format,
      ...(options.startTime ? { startTime: options.startTime } : {}),
      ...(options.metricSelect ? { metricSelect: options.metricSelect } : {}),
      ...(options.qcAssessment ? { qcAssessment: true } : {}),
      ...(options.qcFlags ? { qcFlags: true } : {}),
      ...(options.locationRounding !== undefined ? { locationRounding: options.locationRounding } : {}),
    };
    const withToken = replyWithContinuationToken === true;
    const visible = readableDatasources(grant.roles, grant.datasourceIds);
    const answer = await queryRecentMeasurements(org, visible, query, { forContinuation: withToken });
    if (withToken) countForRequest(event, METRIC.continuationTokensIssued);
    return recentMeasurementsReply(principal, org, query, answer, {
      request: { org, ...query, replyWithContinuationToken: withToken },
      withToken,
    });
  },
);
