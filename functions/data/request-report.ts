import { v2ReportRoutes } from '../routes/v2-reports';
import { defineRoute } from '../core/http/define-route';
import { getDatasources } from '../core/datasources/datasources';
import { BadRequestError, ServiceUnavailableError } from '../core/platform/errors';
import type { ReportQuery } from '../core/reports/report-query';
import { sendReportMessages } from '../core/reports/report-queue';
import { createReport, failReport } from '../core/reports/report-records';
import { readableDatasources } from '../core/orgs/roles';
import { reportRecord } from '../core/reports/report-answer';
import { normalFormat } from '../core/clarity/report-schemas';

/**
 * `POST /v2/report-requests`: checks the datasources against the grant, counts the request in
 * the org's daily quota (429 past it), and hands the report to the worker; the answer is the
 * in-progress record, at once.
 */
export const handler = defineRoute(v2ReportRoutes.v2RequestReport, async ({ body, principal, org, grant }) => {
  if (body.allDatasources !== true) {
    const visible = readableDatasources(grant.roles, grant.datasourceIds);
    const ids = [...new Set(body.datasourceIds ?? [])];
    const found = new Set(
      (await getDatasources(org, visible === 'all' ? ids : ids.filter((id) => visible.has(id)))).map((d) => d.datasourceId),
    );
    const missing = (body.datasourceIds ?? []).flatMap((id, index) =>
      found.has(id)
        ? []
        : [{ path: `datasourceIds.${index}`, message: `${id} is not a datasource this application can read in this org.` }],
    );
    if (missing.length > 0) throw new BadRequestError('Some datasourceIds cannot be read.', missing);
  }
  const query: ReportQuery = {
    allDatasources: body.allDatasources === true,
    ...(body.allDatasources === true ? {} : { datasourceIds: [...new Set(body.datasourceIds ?? [])] }),
    outputFrequency: body.outputFrequency,
    startTime: new Date(body.startTime).toISOString(),
    endTime: new Date(body.endTime).toISOString(),
    ...(body.metricSelect ? { metricSelect: body.metricSelect } : {}),
    fileFormat: normalFormat(body.fileFormat ?? body.format),
    ...(body.qcAssessment !== undefined ? { qcAssessment: body.qcAssessment } : {}),
    ...(body.qcFlags !== undefined ? { qcFlags: body.qcFlags } : {}),
  };
  const report = await createReport(org, principal.applicationId, query);
  try {
    await sendReportMessages([{ kind: 'plan', reportId: report.reportId }]);
  } catch {
    await failReport(report.reportId, 'The report could not be started; request it again.');
    throw new ServiceUnavailableError(1);
  }
  return { status: 200, body: await reportRecord(report) };
});
