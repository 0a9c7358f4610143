import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { requireReadableDatasources } from '../core/access';
import { queryRecentMeasurements, type RecentQuery } from '../core/recent-measurements';
import { recentMeasurementsReply } from './recent-answer';
import { countForRequest } from '../core/observability/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

export const handler = defineRoute(routes.v2QueryRecentMeasurements, async ({ body, principal, event }) => {
  const visible = await requireReadableDatasources(principal, body.org);
  const { org, replyWithContinuationToken, ...options } = body;
  const query: RecentQuery = {
    allDatasources: options.allDatasources === true,
    ...(options.allDatasources === true ? {} : { datasourceIds: options.datasourceIds }),
    outputFrequency: options.outputFrequency,
    format: options.format,
    ...(options.startTime ? { startTime: options.startTime } : {}),
    ...(options.metricSelect ? { metricSelect: options.metricSelect } : {}),
  };
  const withToken = replyWithContinuationToken === true;
  const answer = await queryRecentMeasurements(org, visible, query, { forContinuation: withToken });
  if (withToken) countForRequest(event, METRIC.continuationTokensIssued);
  return recentMeasurementsReply(principal, org, query, answer, {
    request: { org, ...query, replyWithContinuationToken: withToken },
    withToken,
  });
});
