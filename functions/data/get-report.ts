import { v2ReportRoutes } from '../routes/v2-reports';
import { defineRoute } from '../core/http/define-route';
import { requireGrant } from '../core/identity/access';
import { NotFoundError } from '../core/platform/errors';
import { asOf, getReport } from '../core/reports/report-records';
import { reportRecord } from '../core/reports/report-answer';

/**
 * `GET /v2/report-requests/{reportId}` and Clarity's singular `GET /v2/report-request/{reportId}`
 * (both rows have the same schemas; this one handler serves both): the report's status and,
 * once it succeeded, fresh download links. Only the application that requested it sees it (404
 * for any other), and only while it may still read in the report's org (403 otherwise).
 */
export const handler = defineRoute(v2ReportRoutes.v2GetReport, async ({ params, query, principal }) => {
  const report = await getReport(params.reportId);
  if (!report || report.applicationId !== principal.applicationId || (query.org !== undefined && query.org !== report.orgId)) {
    throw new NotFoundError('No such report for this application.');
  }
  await requireGrant(principal, report.orgId, 'readListedDatasources');
  // A stalled report is answered failed, so that a client's polling ends.
  return { status: 200, body: await reportRecord(asOf(report)) };
});
