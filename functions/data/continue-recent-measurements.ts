import { v2MeasurementRoutes } from '../routes/v2-measurements';
import { defineRoute } from '../core/http/define-route';
import { verifyContinuationToken } from '../core/measurements/continuation-tokens';
import { loadDatasourceSet } from '../core/datasources/datasource-sets';
import { continueRecentMeasurements, type RecentQuery } from '../core/measurements/recent-measurements';
import { recentMeasurementsReply } from '../core/clarity/recent-answer';
import { readableDatasources } from '../core/orgs/roles';
import { countForRequest } from '../core/http/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

/**
 * What is new since the last answer of a query, with a fresh token (Clarity's continuation).
 * Access is read afresh on every poll (by `defineRoute`): a narrowed or removed connection takes effect here too.
 */
export const handler = defineRoute(
  v2MeasurementRoutes.v2ContinueRecentMeasurements,
  async ({ body, principal, org, grant, event }) => {
    const state = await verifyContinuationToken<RecentQuery>(body.continuationToken, principal.applicationId, org).catch(
      (error: unknown) => {
        countForRequest(event, METRIC.continuationTokensRefused);
        throw error;
      },
    );
    // A long datasource list travels as the digest of a stored set.
    const { datasourceSet, ...rest } = state.query;
    const query: RecentQuery = datasourceSet ? { ...rest, datasourceIds: await loadDatasourceSet(datasourceSet) } : state.query;
    const visible = readableDatasources(grant.roles, grant.datasourceIds);
    const answer = await continueRecentMeasurements(org, visible, query, state.mark);
    countForRequest(event, METRIC.continuationTokensIssued);
    return recentMeasurementsReply(
      principal,
      org,
      query,
      {
        datasources: answer.datasources,
        async *slices() {
          if (answer.rows.length > 0) yield answer.rows;
        },
      },
      { request: { org, ...state.query, replyWithContinuationToken: true }, mark: answer.mark },
    );
  },
);
