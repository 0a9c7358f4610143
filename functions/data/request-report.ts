import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { requireReadableDatasources } from '../core/access';
import { getDatasources } from '../core/datasources';
import { BadRequestError, ServiceUnavailableError } from '../core/errors';
import type { ReportQuery } from '../core/reports/report-query';
import { sendReportMessages } from '../core/reports/report-queue';
import { createReport, failReport } from '../core/reports/report-records';
import { reportRecord } from './report-answer';

/**
 * `POST /v2/report-requests`: checks access and the datasources, counts the request in the
 * org's daily quota (429 past it), and hands the report to the worker; the answer is the
 * in-progress record, at once.
 */
export const handler = defineRoute(routes.v2RequestReport, async ({ body, principal }) => {
  const visible = await requireReadableDatasources(principal, body.org);
  if (body.allDatasources !== true) {
    const ids = [...new Set(body.datasourceIds ?? [])];
    const found = new Set(
      (await getDatasources(body.org, visible === 'all' ? ids : ids.filter((id) => visible.has(id)))).map((d) => d.datasourceId),
    );
    const missing = (body.datasourceIds ?? []).flatMap((id, index) =>
      found.has(id) ? [] : [{ path: `datasourceIds.${index}`, message: `${id} is not a datasource this application can read in this org.` }],
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
    fileFormat: body.fileFormat,
    ...(body.qcAssessment !== undefined ? { qcAssessment: body.qcAssessment } : {}),
    ...(body.qcFlags !== undefined ? { qcFlags: body.qcFlags } : {}),
  };
  const report = await createReport(body.org, principal.applicationId, query);
  try {
    await sendReportMessages([{ kind: 'plan', reportId: report.reportId }]);
  } catch (error) {
    await failReport(report.reportId, 'The report could not be started; request it again.');
    throw new ServiceUnavailableError(1);
  }
  return { status: 200, body: await reportRecord(report) };
});
