import { v2MeasurementRoutes } from '../routes/v2-measurements';
import { defineRoute } from '../core/http/define-route';
import { getContinuationSettleMs } from '../core/platform/config';
import { receiptMarkAt } from '../core/measurements/measurements';
import type { RecentQuery } from '../core/measurements/recent-measurements';
import { planRecentAnswer } from '../core/measurements/recent-window';
import { recentMeasurementsReply } from '../core/clarity/recent-answer';
import { readableDatasources } from '../core/orgs/roles';
import { countForRequest } from '../core/http/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

/**
 * The whole window in one streamed answer, with or without a token (contract section 10). A
 * token's mark is the settle lag before now: what was received since is the first
 * continuation's, and this answer leaves it out, so nothing is sent twice or passed by.
 */
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
    const now = Date.now();
    const mark = withToken ? receiptMarkAt(new Date(now - getContinuationSettleMs())) : undefined;
    const visible = readableDatasources(grant.roles, grant.datasourceIds);
    // Refusals (400, 413) happen here, before the first byte of the answer.
    const plan = await planRecentAnswer(org, visible, query, { now, ...(mark ? { mark } : {}) });
    if (withToken) countForRequest(event, METRIC.continuationTokensIssued);
    return recentMeasurementsReply(principal, org, query, plan, {
      request: { org, ...query, replyWithContinuationToken: withToken },
      ...(mark ? { mark } : {}),
    });
  },
);
