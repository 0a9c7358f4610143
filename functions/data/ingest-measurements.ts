import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { requireGrant } from '../core/access';
import { getDatasource } from '../core/datasources';
import { NotFoundError } from '../core/errors';
import { putMeasurements } from '../core/measurements';

/** The whole batch was validated by the route's schema before this runs: a bad item writes nothing. */
export const handler = defineRoute(routes.v2IngestMeasurements, async ({ params, query, body, principal }) => {
  await requireGrant(principal, query.org, 'manageDatasources');
  if (!(await getDatasource(query.org, params.datasourceId))) throw new NotFoundError('No such datasource in this org.');
  await putMeasurements(
    query.org,
    body.measurements.map(({ time, metrics }) => ({ datasourceId: params.datasourceId, time, metrics })),
  );
  return { status: 202, body: { accepted: body.measurements.length } };
});
