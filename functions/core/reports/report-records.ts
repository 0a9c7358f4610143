import { ThrottledError } from '../platform/errors';
import { newId } from '../platform/ids';
import {
  getNow,
  putNewItem,
  queryAll,
  retryWhileUnavailable,
  transact,
  updateItem,
  updateNow,
  type StoredItem,
} from '../store/table';
import type { Datasource } from '../datasources/datasources';
import type { ReportKind, ReportQuery } from './report-query';

/**
 * Report requests and their progress. The report: PK `REPORT#<reportId>`, SK `REPORT`. Each
 * finished task of a stage: same PK, SK `PART#<n>` (a datasource-month of rows) or `FILE#<n>`
 * (an output file); written once (conditional put), in the same transaction as the report's
 * counter, so a task that runs twice is counted once. The daily quota: PK
 * `REPORTQUOTA#<orgId>`, SK `<YYYY-MM-DD>`, a counter bounded by a condition.
 */

export { REPORTS_PER_ORG_PER_DAY, REPORT_STALL_MINUTES } from './report-limits';
import { REPORTS_PER_ORG_PER_DAY, REPORT_RETENTION_DAYS, REPORT_STALL_MINUTES } from './report-limits';
import { DEFAULT_REPORT_SHARE } from '../platform/limits';
import { DAY_MS } from '../platform/time';

export type ReportStatus = 'in-progress' | 'succeeded' | 'failed';
export type ReportStage = 'plan' | 'parts' | 'files' | 'done';

export interface Report {
  reportId: string;
  orgId: string;
  applicationId: string;
  report: ReportKind;
  reportStatus: ReportStatus;
  message: string;
  query: ReportQuery;
  createdAt: string;
  /** When the report last moved: created, a stage begun, a part or file recorded. */
  progressAt?: string;
  stage: ReportStage;
  partsTotal?: number;
  partsDone?: number;
  filesTotal?: number;
  filesDone?: number;
  /** The S3 keys of the output files, in order, once the report succeeded. */
  files?: string[];
}

/** A finished datasource-month: where its rows are and what they hold. */
export interface ReportPart {
  index: number;
  datasourceId: string;
  key: string;
  rows: number;
  metrics: string[];
  /** The datasource as the part found it (csv-wide rows carry its source type and location); none if retired. */
  datasource?: Datasource;
}

const reportKey = (reportId: string) => ({ PK: `REPORT#${reportId}`, SK: 'REPORT' });
const taskKey = (reportId: string, kind: 'PART' | 'FILE', index: number) => ({
  PK: `REPORT#${reportId}`,
  SK: `${kind}#${String(index).padStart(6, '0')}`,
});
const quotaKey = (orgId: string, now: Date) => ({ PK: `REPORTQUOTA#${orgId}`, SK: now.toISOString().slice(0, 10) });
/** One application's count in the org's quota of the day: beside the org's, in the same partition. */
const shareKey = (orgId: string, applicationId: string, now: Date) => ({
  PK: `REPORTQUOTA#${orgId}`,
  SK: `${now.toISOString().slice(0, 10)}#${applicationId}`,
});
/** A task's record was there already: a delivery that came again. */
class AlreadyRecorded extends Error {}
const ttlOf = (now: Date) => Math.floor((now.getTime() + REPORT_RETENTION_DAYS * DAY_MS) / 1000);

function fromItem(item: Record<string, unknown>): Report {
  const { PK: _pk, SK: _sk, type: _type, ttl: _ttl, ...report } = item;
  return report as unknown as Report;
}

/** Seconds until the next UTC midnight, when the quota starts again. */
function secondsToMidnight(now: Date): number {
  return Math.max(1, Math.ceil((Math.floor(now.getTime() / DAY_MS + 1) * DAY_MS - now.getTime()) / 1000));
}

const orgQuotaSpent = (now: Date) =>
  Object.assign(new ThrottledError(secondsToMidnight(now)), {
    message: `This org has requested ${REPORTS_PER_ORG_PER_DAY} reports today (UTC), the most a day allows; retry after midnight UTC.`,
  });

const shareSpent = (share: number, now: Date) =>
  Object.assign(new ThrottledError(secondsToMidnight(now)), {
    message: `This application may make ${share} of this org's report requests a UTC day (its connection's reportShare, set by the org's admins) and has made them; retry after midnight UTC.`,
  });

/**
 * Creates an in-progress report, counting it in the org's quota of the UTC day and in the
 * application's share of it (its connection's `reportShare`) in the same transaction: past
 * either it is 429 with Retry-After (seconds to midnight), and nothing is counted.
 */
export async function createReport(
  orgId: string,
  applicationId: string,
  query: ReportQuery,
  {
    report: kind = 'datasource-measurements',
    now = new Date(),
    share = DEFAULT_REPORT_SHARE,
  }: { report?: ReportKind; now?: Date; share?: number } = {},
): Promise<Report> {
  const report: Report = {
    reportId: newId('report'),
    orgId,
    applicationId,
    report: kind,
    reportStatus: 'in-progress',
    message: 'The report is being prepared.',
    query,
    createdAt: now.toISOString(),
    progressAt: now.toISOString(),
    stage: 'plan',
  };
  if (share <= 0) throw shareSpent(share, now);
  await transact(
    [
      updateItem(
        quotaKey(orgId, now),
        { set: { type: 'reportQuota', ttl: Math.floor(now.getTime() / 1000) + 2 * 86_400 }, add: { count: 1 } },
        { condition: 'attribute_not_exists(#count) OR #count < :max', values: { ':max': REPORTS_PER_ORG_PER_DAY } },
      ),
      updateItem(
        shareKey(orgId, applicationId, now),
        { set: { type: 'reportShare', ttl: Math.floor(now.getTime() / 1000) + 2 * 86_400 }, add: { count: 1 } },
        { condition: 'attribute_not_exists(#count) OR #count < :share', values: { ':share': share } },
      ),
      putNewItem({ ...reportKey(report.reportId), type: 'report', ...report, ttl: ttlOf(now) } as StoredItem),
    ],
    (failed) => (failed.includes(0) ? orgQuotaSpent(now) : shareSpent(share, now)),
  );
  return report;
}

export async function getReport(reportId: string): Promise<Report | undefined> {
  const item = await getNow(reportKey(reportId), { consistent: true });
  return item ? fromItem(item) : undefined;
}

/** Moves an in-progress report from one stage to the next; false when it is not (or no longer) in `from`. */
export async function advanceStage(
  reportId: string,
  from: ReportStage,
  to: ReportStage,
  fields: Partial<Pick<Report, 'partsTotal' | 'filesTotal' | 'files' | 'message' | 'reportStatus'>> = {},
): Promise<boolean> {
  return updateNow(
    reportKey(reportId),
    { set: { stage: to, ...fields, progressAt: new Date().toISOString() } },
    {
      condition: '#stage = :from AND #progressStatus = :progress',
      names: { '#progressStatus': 'reportStatus' },
      values: { ':from': from, ':progress': 'in-progress' },
    },
  );
}

/**
 * Ends an in-progress report as failed, with a message for the client (only once: a repeat
 * changes nothing), sent again while DynamoDB is unavailable for a moment.
 */
export async function failReport(reportId: string, message: string): Promise<void> {
  await retryWhileUnavailable(() =>
    updateNow(
      reportKey(reportId),
      { set: { reportStatus: 'failed', message, stage: 'done' } },
      { condition: '#reportStatus = :progress', values: { ':progress': 'in-progress' } },
    ),
  );
}

export const STALLED_MESSAGE = 'The report stopped making progress and was abandoned; request it again.';

/**
 * The report as it stands at `now`: one in progress that has not moved for REPORT_STALL_MINUTES
 * has stalled (its worker could not record why) and is failed, whether or not that was written.
 */
export function asOf(report: Report, now = new Date()): Report {
  const movedAt = Date.parse(report.progressAt ?? report.createdAt);
  if (report.reportStatus !== 'in-progress' || now.getTime() - movedAt <= REPORT_STALL_MINUTES * 60_000) return report;
  return { ...report, reportStatus: 'failed', message: STALLED_MESSAGE, stage: 'done' };
}

/**
 * Records a finished task (a part or a file) and counts it, once: a task that runs again
 * (a retried message) finds its record and changes nothing. Answers whether every task of the
 * stage is now done.
 */
export async function recordTaskDone(
  reportId: string,
  kind: 'PART' | 'FILE',
  index: number,
  details: Record<string, unknown>,
  now = new Date(),
): Promise<boolean> {
  const counter = kind === 'PART' ? 'partsDone' : 'filesDone';
  try {
    await transact(
      [
        putNewItem({
          ...taskKey(reportId, kind, index),
          type: kind === 'PART' ? 'reportPart' : 'reportFile',
          index,
          ...details,
          ttl: ttlOf(now),
        } as StoredItem),
        updateItem(reportKey(reportId), { add: { [counter]: 1 }, set: { progressAt: now.toISOString() } }),
      ],
      () => new AlreadyRecorded(),
    );
  } catch (error) {
    if (!(error instanceof AlreadyRecorded)) throw error;
  }
  const report = await getReport(reportId);
  if (!report) return false;
  return kind === 'PART' ? report.partsDone === report.partsTotal : report.filesDone === report.filesTotal;
}

/** The finished parts of a report, in order. */
export async function listParts(reportId: string): Promise<ReportPart[]> {
  const items = await queryAll({ partition: `REPORT#${reportId}`, sortKeyPrefix: 'PART#', consistent: true });
  return items
    .map((item) => ({
      index: item.index as number,
      datasourceId: item.datasourceId as string,
      key: item.key as string,
      rows: item.rows as number,
      metrics: item.metrics as string[],
      ...(item.datasource ? { datasource: item.datasource as Datasource } : {}),
    }))
    .sort((a, b) => a.index - b.index);
}

/** The keys of a report's recorded files, in file order. */
export async function listFileKeys(reportId: string): Promise<string[]> {
  const items = await queryAll({ partition: `REPORT#${reportId}`, sortKeyPrefix: 'FILE#', consistent: true });
  return items.sort((a, b) => (a.index as number) - (b.index as number)).map((item) => item.key as string);
}
