import { randomUUID } from 'node:crypto';
import { readObject, writeObject } from '../store/blob-store';
import { getContinuationSettleMs } from '../platform/config';
import { readReceipts, receiptMarkAt, type StoredMeasurement } from '../measurements/measurements';
import { archiveDayKey, dayOf, decodeArchiveDay, encodeArchiveDay, mergeMinutes } from './archive-format';
import { advanceMark, registeredOrgs, releaseLease, takeLease } from '../measurements/archive-state';

/**
 * The archiver: moves every measurement into the archive's day files, in batches, following
 * each org's receipts (GSI1, ingest order) as a continuation does. A batch is up to
 * RECEIPTS_PER_BATCH receipts; each day file they touch is read, merged (the newer copy of a
 * time wins) and written whole; only then does the org's mark move past the batch.
 *
 * - Idempotent: a batch run twice merges the same measurements into the same files.
 * - Resumable: a run that dies leaves the mark before the batch it was writing; the next run
 *   writes that batch again. Nothing is lost, nothing duplicated (one row per time).
 * - Late and resent measurements are new receipts, so they reach the archive in the next run,
 *   whatever their measurement time.
 * - Runs never overlap on one org: each takes the org's lease, longer than a run can last.
 */

const RECEIPTS_PER_BATCH = 5000;
/** Day files read and written at once. */
const CONCURRENCY = 8;

export interface ArchiverRun {
  orgs: number;
  measurements: number;
  filesWritten: number;
}

export interface ArchiverOptions {
  now?: Date;
  /** Stop starting new batches after this long (the Lambda's timeout less a margin). */
  budgetMs?: number;
  /** How long a run may hold an org; must exceed the longest run. */
  leaseMs?: number;
  /** Only this org (tests, operators). */
  orgId?: string;
  /** Called between steps; a test throws from it to stop a run half-way. */
  checkpoint?: (step: 'file-written' | 'batch-done') => void;
}

async function mapLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

/** Merges one batch of receipts into the day files they touch; answers how many files it wrote. */
async function archiveBatch(orgId: string, receipts: readonly StoredMeasurement[], checkpoint: ArchiverOptions['checkpoint']) {
  const byFile = new Map<string, StoredMeasurement[]>();
  for (const measurement of receipts) {
    const key = archiveDayKey(orgId, measurement.datasourceId, dayOf(measurement.time));
    byFile.set(key, [...(byFile.get(key) ?? []), measurement]);
  }
  await mapLimited([...byFile], CONCURRENCY, async ([key, measurements]) => {
    const existing = await readObject(key);
    const archived = existing ? await decodeArchiveDay(existing) : [];
    // Receipts are in ingest order, so a later copy of a time overwrites an earlier one.
    const merged = mergeMinutes(
      archived,
      measurements.map(({ time, metrics }) => ({ time, metrics })),
    );
    await writeObject(key, encodeArchiveDay(merged), { ContentType: 'application/vnd.apache.parquet' });
    checkpoint?.('file-written');
  });
  return byFile.size;
}

/** Archives one org from its mark up to the settle lag, batch by batch, while time allows. */
async function archiveOrg(
  orgId: string,
  options: Required<Pick<ArchiverOptions, 'budgetMs' | 'leaseMs'>> & ArchiverOptions,
  started: number,
) {
  const now = options.now ?? new Date();
  const owner = randomUUID();
  const state = await takeLease(orgId, owner, now, new Date(now.getTime() + options.leaseMs));
  if (!state) return { measurements: 0, filesWritten: 0 };
  let measurements = 0;
  let filesWritten = 0;
  try {
    const upTo = receiptMarkAt(new Date(now.getTime() - getContinuationSettleMs()));
    let mark = state.mark;
    while (Date.now() - started < options.budgetMs) {
      const receipts = await readReceipts(orgId, mark, upTo, RECEIPTS_PER_BATCH);
      if (receipts.length === 0) break;
      filesWritten += await archiveBatch(orgId, receipts, options.checkpoint);
      options.checkpoint?.('batch-done');
      mark = receipts.length === RECEIPTS_PER_BATCH ? receipts[receipts.length - 1]!.receipt : upTo;
      if (!(await advanceMark(orgId, owner, mark))) break;
      measurements += receipts.length;
      if (receipts.length < RECEIPTS_PER_BATCH) break;
    }
  } finally {
    await releaseLease(orgId, owner);
  }
  return { measurements, filesWritten };
}

/**
 * One archiver run over every registered org (or `orgId`): what the scheduled Lambda and the
 * local runtime's timer call.
 */
export async function runArchiver(options: ArchiverOptions = {}): Promise<ArchiverRun> {
  const started = Date.now();
  const settings = { budgetMs: 10 * 60_000, leaseMs: 16 * 60_000, ...options };
  const run: ArchiverRun = { orgs: 0, measurements: 0, filesWritten: 0 };
  const orgs = options.orgId ? [options.orgId] : registeredOrgs();
  for await (const orgId of orgs) {
    if (Date.now() - started >= settings.budgetMs) break;
    const done = await archiveOrg(orgId, settings, started);
    run.orgs += 1;
    run.measurements += done.measurements;
    run.filesWritten += done.filesWritten;
  }
  return run;
}
