import { presignDownload } from '../store/download-links';
import type { Report } from './report-records';
import type { ReportRecord } from '../clarity/report-schemas';

/** Download links are valid this long; every poll signs fresh ones. */
export const URL_TTL_SECONDS = 3600;

/**
 * `message` as Clarity words it, word for word, because clients poll on it: `Processing` while
 * the report is in progress and `Ready` once it succeeded (healthyregions/clarity-aq-pipeline
 * waits while `message == "Processing"` and stops on `"Ready"`); a failed report says why, as
 * the guide's "Poll report status" has it ("details about the success or failure",
 * https://api-guide.clarity.io/v2/measurements/report-request-poll). Datagate's own account is `detail`.
 */
function clarityMessage(report: Report): string {
  if (report.reportStatus === 'in-progress') return 'Processing';
  if (report.reportStatus === 'succeeded') return 'Ready';
  return report.message;
}

/** `query` as Clarity echoes it: the resolved ids, `format`, `metricLabelStyle` (see reportQueryEchoSchema). */
function queryEcho({ query }: Report): ReportRecord['query'] {
  const ids = query.nodeIds
    ? { nodeIds: query.nodeIds }
    : query.refSiteIds
      ? { refSiteIds: query.refSiteIds }
      : { datasourceIds: query.datasourceIds ?? [] };
  return {
    ...ids,
    outputFrequency: query.outputFrequency,
    startTime: query.startTime,
    endTime: query.endTime,
    ...(query.metricSelect !== undefined ? { metricSelect: query.metricSelect } : {}),
    format: query.fileFormat,
    metricLabelStyle: query.metricLabelStyle ?? 'canonical',
    ...(query.qcAssessment !== undefined ? { qcAssessment: query.qcAssessment } : {}),
    ...(query.qcFlags !== undefined ? { qcFlags: query.qcFlags } : {}),
  };
}

/** The report record as Clarity clients read it; a succeeded report with fresh download links. */
export async function reportRecord(report: Report, now = new Date()): Promise<ReportRecord> {
  const base = {
    reportId: report.reportId,
    reportStatus: report.reportStatus,
    message: clarityMessage(report),
    detail: report.message,
    report: report.report,
    query: queryEcho(report),
  };
  if (report.reportStatus !== 'succeeded') return { ...base, urls: [] };
  const urls = await Promise.all((report.files ?? []).map((key) => presignDownload(key, URL_TTL_SECONDS)));
  return { ...base, urls, urlsExpireAt: new Date(now.getTime() + URL_TTL_SECONDS * 1000).toISOString() };
}
