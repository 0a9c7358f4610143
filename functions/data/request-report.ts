import { v2ReportRoutes } from '../routes/v2-reports';
import { defineRoute } from '../core/http/define-route';
import { getDatasources, listVisibleDatasources, type Datasource } from '../core/datasources/datasources';
import { BadRequestError, ForbiddenError, ServiceUnavailableError } from '../core/platform/errors';
import type { ReportQuery } from '../core/reports/report-query';
import { sendReportMessages } from '../core/reports/report-queue';
import { createReport, failReport } from '../core/reports/report-records';
import { readableDatasources } from '../core/orgs/roles';
import { reportRecord } from '../core/reports/report-answer';
import { normalFormat, type ReportRequestBody } from '../core/clarity/report-schemas';
import { currentSourceId } from '../core/clarity/v2-datasources';
import { getConnection, reportShareOf } from '../core/applications';

/**
 * `POST /v2/report-requests`: checks the datasources against the grant, counts the request in
 * the org's daily quota and in the application's share of it (its connection's `reportShare`;
 * 429 past either), and hands the report to the worker; the answer is the
 * in-progress record, at once.
 *
 * The guide's three reports (https://api-guide.clarity.io/v2/measurements/report-request):
 * `datasource-measurements` by `datasourceIds` or `allDatasources`; `node-measurements` by
 * `nodeIds`, the devices installed in datasources (Datagate's datasource is its own device, named
 * by its `currentSourceId`); `reference-site-measurements` by `refSiteIds`, the `currentSourceId`
 * of datasources whose `sourceType` is `REFERENCE_SITE`. Every id is resolved to the datasource
 * it names now, and the record's `query` echoes the resolved datasource ids, as Clarity's does.
 */

const PAGE = 100;

/** Every datasource the application may read in the org, a page at a time. */
async function readableInOrg(org: string, visible: 'all' | Set<string>): Promise<Datasource[]> {
  const all: Datasource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listVisibleDatasources(org, visible, PAGE, nextToken);
    all.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return all;
}

/** The datasource ids the body names (refused, 400 naming each, when one cannot be read). */
async function resolveDatasources(body: ReportRequestBody, org: string, visible: 'all' | Set<string>): Promise<string[]> {
  if (body.report === 'datasource-measurements') {
    if (body.allDatasources === true) return (await readableInOrg(org, visible)).map((d) => d.datasourceId).sort();
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
    return ids;
  }
  const referenceSites = body.report === 'reference-site-measurements';
  const field = referenceSites ? 'refSiteIds' : 'nodeIds';
  const asked = (referenceSites ? body.refSiteIds : body.nodeIds) ?? [];
  const bySource = new Map(
    (await readableInOrg(org, visible))
      .filter((datasource) => (datasource.sourceType === 'REFERENCE_SITE') === referenceSites)
      .map((datasource) => [currentSourceId(datasource.datasourceId), datasource.datasourceId]),
  );
  const missing = asked.flatMap((id, index) =>
    bySource.has(id)
      ? []
      : [
          {
            path: `${field}.${index}`,
            message: `${id} is not a ${referenceSites ? 'reference site' : 'node'} this application can read in this org.`,
          },
        ],
  );
  if (missing.length > 0) throw new BadRequestError(`Some ${field} cannot be read.`, missing);
  return [...new Set(asked.map((id) => bySource.get(id)!))];
}

export const handler = defineRoute(v2ReportRoutes.v2RequestReport, async ({ body, principal, org, grant }) => {
  const visible = readableDatasources(grant.roles, grant.datasourceIds);
  const datasourceIds = await resolveDatasources(body, org, visible);
  const everyDatasource = body.report === 'datasource-measurements' && body.allDatasources === true;
  const query: ReportQuery = {
    allDatasources: everyDatasource,
    datasourceIds,
    ...(body.report === 'node-measurements' ? { nodeIds: [...new Set(body.nodeIds ?? [])] } : {}),
    ...(body.report === 'reference-site-measurements' ? { refSiteIds: [...new Set(body.refSiteIds ?? [])] } : {}),
    outputFrequency: body.outputFrequency,
    startTime: new Date(body.startTime).toISOString(),
    endTime: new Date(body.endTime).toISOString(),
    ...(body.metricSelect ? { metricSelect: body.metricSelect } : {}),
    fileFormat: normalFormat(body.fileFormat ?? body.format),
    ...(body.qcAssessment !== undefined ? { qcAssessment: body.qcAssessment } : {}),
    ...(body.qcFlags !== undefined ? { qcFlags: body.qcFlags } : {}),
    metricLabelStyle: body.metricLabelStyle ?? 'canonical',
  };
  // The connection's share of the org's report requests, read now (one GetItem): a report request is rare.
  const connection = await getConnection(principal.applicationId, org);
  if (!connection) throw new ForbiddenError('This application is not connected to that org.');
  const report = await createReport(org, principal.applicationId, query, {
    report: body.report,
    share: reportShareOf(connection),
  });
  try {
    await sendReportMessages([{ kind: 'plan', reportId: report.reportId }]);
  } catch {
    await failReport(report.reportId, 'The report could not be started; request it again.');
    throw new ServiceUnavailableError(1);
  }
  return { status: 200, body: await reportRecord(report) };
});
