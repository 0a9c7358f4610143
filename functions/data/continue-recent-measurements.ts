import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { requireReadableDatasources } from '../core/access';
import { verifyContinuationToken } from '../core/continuation-tokens';
import { continueRecentMeasurements, type RecentQuery } from '../core/recent-measurements';
import { recentMeasurementsReply } from './recent-answer';
import { countForRequest } from '../core/observability/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

export const handler = defineRoute(routes.v2ContinueRecentMeasurements, async ({ body, principal, event }) => {
  const state = await verifyContinuationToken<RecentQuery>(body.continuationToken, principal.applicationId, body.org).catch(
    (error: unknown) => {
      countForRequest(event, METRIC.continuationTokensRefused);
      throw error;
    },
  );
  // Access is read afresh on every poll: a narrowed or removed connection takes effect here too.
  const visible = await requireReadableDatasources(principal, body.org);
  const answer = await continueRecentMeasurements(body.org, visible, state.query, state.mark);
  countForRequest(event, METRIC.continuationTokensIssued);
  return recentMeasurementsReply(principal, body.org, state.query, answer, {
    request: { org: body.org, ...state.query, replyWithContinuationToken: true },
    withToken: true,
  });
});
