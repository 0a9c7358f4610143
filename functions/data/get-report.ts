import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { requireReadableDatasources } from '../core/access';
import { NotFoundError } from '../core/errors';
import { getReport } from '../core/reports/report-records';
import { reportRecord } from './report-answer';

/**
 * `GET /v2/report-requests/{reportId}` and Clarity's singular `GET /v2/report-request/{reportId}`:
 * the report's status and, once it succeeded, fresh download links. Only the application that
 * requested it sees it (404 for any other), and only while it is still connected to the org.
 */
async function answer({ params, query, principal }: { params: { reportId: string }; query: { org?: string }; principal: Parameters<typeof requireReadableDatasources>[0] }) {
  const report = await getReport(params.reportId);
  if (!report || report.applicationId !== principal.applicationId || (query.org !== undefined && query.org !== report.orgId)) {
    throw new NotFoundError('No such report for this application.');
  }
  await requireReadableDatasources(principal, report.orgId);
  return { status: 200, body: await reportRecord(report) };
}

/** Both rows (plural and singular path) have the same schemas; this one handler serves both. */
export const handler = defineRoute(routes.v2GetReport, answer);
