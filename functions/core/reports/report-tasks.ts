import { randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readObject, writeObject } from '../store/blob-store';
import { getReportRowsPerFile } from '../platform/config';
import { getConnection } from '../applications';
import { getDatasources, listVisibleDatasources, type Datasource } from '../datasources/datasources';
import type { Row } from '../measurements/measurement-windows';
import { planFiles, planParts, type FilePlan, type PartPlan } from './report-query';
import { sendReportMessages, type ReportMessage } from './report-queue';
import {
  advanceStage,
  asOf,
  failReport,
  getReport,
  listFileKeys,
  listParts,
  recordTaskDone,
  type Report,
} from './report-records';
import { reportRows } from './report-rows';
import { readableDatasources } from '../orgs/roles';
import { renderReportFile } from './report-files';

/**
 * The report worker's three kinds of task, run from SQS in AWS and in-process locally:
 *
 * 1. `plan`: checks again what the application may read now, lists the datasources, and splits
 *    the report into parts (datasource x calendar month), one message each.
 * 2. `part`: reads one part's minutes (archive + DynamoDB), computes its rows, writes them to
 *    `reports/<id>/parts/<n>.jsonl.gz` and records the part (rows, metrics) once. The last part
 *    to finish plans the output files (at most REPORT_ROWS_PER_FILE rows each) and sends them.
 * 3. `file`: renders rows `[firstRow, endRow)` of the report, in part order, with the report's
 *    metric columns, to `reports/<id>/<n>-<attempt>/report-<n>.csv` (gzip) or `.parquet`, and records it
 *    once. The last file to finish marks the report succeeded.
 *
 * Every task can run twice (a retried message): it rewrites the same object with the same
 * content and finds its record already counted. A task that fails on its last attempt fails
 * the report with a message.
 */

export interface TaskContext {
  /** 1 for the first delivery of the message. */
  attempt: number;
  maxAttempts: number;
  /** Called between steps; a test throws from it to kill a task half-way, or acts in between. */
  checkpoint?: (step: 'plan-started' | 'part-written' | 'file-written', message: ReportMessage) => void | Promise<void>;
}

const PAGE = 100;
/**
 * Every delivery of a task writes its own object (a random suffix), and the first one recorded
 * is the one the report uses: an object the report points to is never overwritten, even by a
 * late duplicate delivery while a client downloads it. Unused copies expire with `reports/`.
 */
const attempt = () => randomBytes(6).toString('hex');
const partObjectKey = (reportId: string, index: number) =>
  `reports/${reportId}/parts/${String(index).padStart(6, '0')}-${attempt()}.jsonl.gz`;
export const reportFileKey = (reportId: string, index: number, extension: string) =>
  `reports/${reportId}/${String(index + 1).padStart(4, '0')}-${attempt()}/report-${String(index + 1).padStart(4, '0')}.${extension}`;

/** What the application may read in the report's org now, or a reason it may not. */
async function currentAccess(report: Report): Promise<{ visible: 'all' | Set<string> } | { refused: string }> {
  const connection = await getConnection(report.applicationId, report.orgId);
  if (!connection) return { refused: 'The application is no longer connected to this org.' };
  return { visible: readableDatasources(connection.roles, connection.datasourceIds) };
}

async function plan(report: Report): Promise<void> {
  const current = await currentAccess(report);
  if ('refused' in current) return failReport(report.reportId, current.refused);
  const access = current.visible;
  let datasourceIds: string[] = [];
  if (report.query.allDatasources) {
    let nextToken: string | undefined;
    do {
      const page = await listVisibleDatasources(report.orgId, access, PAGE, nextToken);
      datasourceIds.push(...page.items.map((datasource) => datasource.datasourceId));
      nextToken = page.nextToken;
    } while (nextToken);
  } else {
    const asked = report.query.datasourceIds ?? [];
    const readable = asked.filter((id) => access === 'all' || access.has(id));
    const existing = new Set((await getDatasources(report.orgId, readable)).map((datasource) => datasource.datasourceId));
    const refused = asked.filter((id) => !existing.has(id));
    if (refused.length > 0) {
      return failReport(
        report.reportId,
        `These datasources cannot be read by this application in this org any more: ${refused.join(', ')}.`,
      );
    }
    datasourceIds = asked;
  }
  // Rows by datasource id, then time: the same order whatever order the ids were named in.
  const parts = planParts(report.query, [...new Set(datasourceIds)].sort());
  if (!(await advanceStage(report.reportId, 'plan', 'parts', { partsTotal: parts.length }))) {
    const now = await getReport(report.reportId);
    if (now?.stage !== 'parts') return; // another delivery planned and moved on
  }
  if (parts.length === 0) return finishParts(report.reportId);
  await sendReportMessages(parts.map((part): ReportMessage => ({ kind: 'part', reportId: report.reportId, part })));
}

async function runPart(report: Report, part: PartPlan, context: TaskContext, message: ReportMessage): Promise<void> {
  const current = await currentAccess(report);
  if ('refused' in current) return failReport(report.reportId, current.refused);
  const access = current.visible;
  // Checked again when it runs: a datasource the application can no longer read, or one
  // retired since, contributes nothing.
  const [datasource] =
    access === 'all' || access.has(part.datasourceId) ? await getDatasources(report.orgId, [part.datasourceId]) : [];
  const rows = datasource
    ? await reportRows(
        report.orgId,
        part.datasourceId,
        Date.parse(part.from),
        Date.parse(part.to),
        report.query.outputFrequency,
        report.query.metricSelect,
      )
    : [];
  const key = partObjectKey(report.reportId, part.index);
  await writeObject(key, gzipSync(rows.map((row) => JSON.stringify(row)).join('\n')), { ContentType: 'application/x-ndjson' });
  await context.checkpoint?.('part-written', message);
  const metrics = [...new Set(rows.flatMap((row) => Object.keys(row.metrics)))].sort();
  const allDone = await recordTaskDone(report.reportId, 'PART', part.index, {
    datasourceId: part.datasourceId,
    key,
    rows: rows.length,
    metrics,
    ...(datasource ? { datasource } : {}),
  });
  if (allDone) await finishParts(report.reportId);
}

/** After the last part: the output files, each a slice of the report's rows. */
async function finishParts(reportId: string): Promise<void> {
  const parts = await listParts(reportId);
  const totalRows = parts.reduce((sum, part) => sum + part.rows, 0);
  const files = planFiles(totalRows, getReportRowsPerFile());
  const metrics = [...new Set(parts.flatMap((part) => part.metrics))].sort();
  if (!(await advanceStage(reportId, 'parts', 'files', { filesTotal: files.length }))) {
    const now = await getReport(reportId);
    if (now?.stage !== 'files') return;
  }
  await sendReportMessages(files.map((file): ReportMessage => ({ kind: 'file', reportId, file, metrics })));
}

async function readPartRows(key: string): Promise<Row[]> {
  const bytes = await readObject(key);
  if (!bytes) throw new Error(`The report part ${key} is missing.`);
  const text = gunzipSync(bytes).toString('utf8');
  return text === '' ? [] : text.split('\n').map((line) => JSON.parse(line) as Row);
}

async function runFile(
  report: Report,
  file: FilePlan,
  metrics: string[],
  context: TaskContext,
  message: ReportMessage,
): Promise<void> {
  const parts = await listParts(report.reportId);
  const rows: Row[] = [];
  const datasources = new Map<string, Datasource>();
  let first = 0;
  for (const part of parts) {
    const end = first + part.rows;
    if (end > file.firstRow && first < file.endRow) {
      const partRows = await readPartRows(part.key);
      rows.push(...partRows.slice(Math.max(0, file.firstRow - first), file.endRow - first));
      if (part.datasource) datasources.set(part.datasourceId, part.datasource);
    }
    first = end;
  }
  const rendered = renderReportFile(report.query, rows, [...datasources.values()], metrics);
  const key = reportFileKey(report.reportId, file.index, rendered.extension);
  await writeObject(key, rendered.body, {
    ContentType: rendered.contentType,
    ...(rendered.contentEncoding ? { ContentEncoding: rendered.contentEncoding } : {}),
    ContentDisposition: `attachment; filename="${key.split('/').pop()}"`,
  });
  await context.checkpoint?.('file-written', message);
  const allDone = await recordTaskDone(report.reportId, 'FILE', file.index, { key });
  if (!allDone) return;
  const keys = await listFileKeys(report.reportId);
  await advanceStage(report.reportId, 'files', 'done', {
    reportStatus: 'succeeded',
    files: keys,
    message: `The report is ready: ${totalRowsText(parts)} in ${keys.length} file${keys.length === 1 ? '' : 's'}.`,
  });
}

const totalRowsText = (parts: { rows: number }[]) => {
  const rows = parts.reduce((sum, part) => sum + part.rows, 0);
  return `${rows} row${rows === 1 ? '' : 's'}`;
};

/** Runs one message. On its last attempt, a failure fails the report before it is rethrown. */
export async function runReportMessage(message: ReportMessage, context: TaskContext): Promise<void> {
  try {
    const report = await getReport(message.reportId);
    if (!report || report.reportStatus !== 'in-progress') return; // gone, finished or failed: nothing to do
    // A delivery that comes after the report stalled (its client was told it failed) records
    // the failure instead of finishing it: failed is final.
    const current = asOf(report);
    if (current.reportStatus === 'failed') return failReport(report.reportId, current.message);
    switch (message.kind) {
      case 'plan':
        if (report.stage !== 'plan') return;
        await context.checkpoint?.('plan-started', message);
        await plan(report);
        return;
      case 'part':
        if (report.stage === 'parts') await runPart(report, message.part, context, message);
        return;
      case 'file':
        if (report.stage === 'files') await runFile(report, message.file, message.metrics, context, message);
        return;
    }
  } catch (error) {
    if (context.attempt >= context.maxAttempts) {
      await failReport(
        message.reportId,
        'The report could not be produced; request it again, or ask the operator if it fails again.',
      );
    }
    throw error;
  }
}
