import { v2MeasurementRoutes } from '../routes/v2-measurements';
import { defineRoute } from '../core/http/define-route';
import { getDatasource } from '../core/datasources/datasources';
import { NotFoundError } from '../core/platform/errors';
import { putMeasurements } from '../core/measurements/measurements';
import { countForRequest } from '../core/http/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

/**
 * The whole batch was validated by the route's schema before this runs: a bad item writes
 * nothing. `org` (body, or query string) and the grant in it were settled by `defineRoute`.
 */
export const handler = defineRoute(v2MeasurementRoutes.v2IngestMeasurements, async ({ params, body, org, event }) => {
  if (!(await getDatasource(org, params.datasourceId))) throw new NotFoundError('No such datasource in this org.');
  await putMeasurements(
    org,
    body.measurements.map(({ time, metrics }) => ({ datasourceId: params.datasourceId, time, metrics })),
  );
  countForRequest(event, METRIC.measurementsIngested, body.measurements.length);
  return { status: 202, body: { accepted: body.measurements.length } };
});
