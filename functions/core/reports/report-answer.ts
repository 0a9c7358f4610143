import { presignDownload } from '../store/download-links';
import type { Report } from './report-records';
import type { ReportRecord } from '../clarity/report-schemas';

/** Download links are valid this long; every poll signs fresh ones. */
export const URL_TTL_SECONDS = 3600;

/** The report record as Clarity clients read it; a succeeded report with fresh download links. */
export async function reportRecord(report: Report, now = new Date()): Promise<ReportRecord> {
  const base = {
    reportId: report.reportId,
    reportStatus: report.reportStatus,
    message: report.message,
    report: report.report,
    query: report.query,
  };
  if (report.reportStatus !== 'succeeded') return { ...base, urls: [] };
  const urls = await Promise.all((report.files ?? []).map((key) => presignDownload(key, URL_TTL_SECONDS)));
  return { ...base, urls, urlsExpireAt: new Date(now.getTime() + URL_TTL_SECONDS * 1000).toISOString() };
}
