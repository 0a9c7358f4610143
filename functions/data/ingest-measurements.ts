import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { requireGrant } from '../core/access';
import { getDatasource } from '../core/datasources';
import { BadRequestError, NotFoundError } from '../core/errors';
import { putMeasurements } from '../core/measurements';
import { countForRequest } from '../core/observability/request-telemetry';
import { METRIC } from '../core/observability/metric-names';

/** The org of the request: the body's (the contract's place for POST) or the query string's; both must agree. */
function requestOrg(fromQuery: string | undefined, fromBody: string | undefined): string {
  if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
    throw new BadRequestError('org differs between the body and the query string.', [
      { path: 'org', message: 'Send org once, in the body; the query string, if sent too, must name the same org.' },
    ]);
  }
  const org = fromBody ?? fromQuery;
  if (org === undefined) throw new BadRequestError('org is required.', [{ path: 'org', message: 'Send org in the body.' }]);
  return org;
}

/** The whole batch was validated by the route's schema before this runs: a bad item writes nothing. */
export const handler = defineRoute(routes.v2IngestMeasurements, async ({ params, query, body, principal, event }) => {
  const org = requestOrg(query.org, body.org);
  await requireGrant(principal, org, 'manageDatasources');
  if (!(await getDatasource(org, params.datasourceId))) throw new NotFoundError('No such datasource in this org.');
  await putMeasurements(
    org,
    body.measurements.map(({ time, metrics }) => ({ datasourceId: params.datasourceId, time, metrics })),
  );
  countForRequest(event, METRIC.measurementsIngested, body.measurements.length);
  return { status: 202, body: { accepted: body.measurements.length } };
});
