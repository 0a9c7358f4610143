import { readArchivedMinutes } from '../archive/archive-reader';
import { mergeMinutes } from '../archive/archive-format';
import { readMeasurements } from '../measurements';
import { RETENTION_MS, aggregate, selectRow, type Row } from '../measurement-windows';
import { metricFilter } from '../metric-select';
import type { OutputFrequency } from './report-query';

/** DynamoDB's TTL deletes a little after expiry; read it for a day longer than it keeps items. */
const DYNAMO_READ_MARGIN_MS = 86_400_000;

/**
 * One datasource's report rows over `[from, to)`, oldest first: the archive's minutes, with
 * what DynamoDB holds for the same times on top (the archiver may not have run since the last
 * ingest, and a resent value replaces the archived one). Minutes are answered as they are;
 * `hour` and `day` are the means of each period, computed by the recent query's own code
 * (`aggregate`). `metricSelect` applies to the output names; rows left without metrics are
 * dropped, as in the recent query.
 */
export async function reportRows(
  orgId: string,
  datasourceId: string,
  fromMs: number,
  toMs: number,
  frequency: OutputFrequency,
  metricSelect: string | undefined,
  now = Date.now(),
): Promise<Row[]> {
  const archived = await readArchivedMinutes(orgId, datasourceId, fromMs, toMs);
  const recentFrom = Math.max(fromMs, now - RETENTION_MS - DYNAMO_READ_MARGIN_MS);
  const recent =
    recentFrom < toMs
      ? await readMeasurements(datasourceId, new Date(recentFrom).toISOString(), new Date(toMs - 1).toISOString(), Infinity)
      : [];
  const minutes = mergeMinutes(
    archived,
    recent.map(({ time, metrics }) => ({ time, metrics })),
  );
  const rows: Row[] =
    frequency === 'minute'
      ? minutes.map(({ time, metrics }) => ({ datasourceId, time, metrics }))
      : aggregate(
          minutes.map(({ time, metrics }) => ({ datasourceId, time, metrics })),
          frequency,
        ).sort((a: Row, b: Row) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const wanted = metricFilter(metricSelect);
  return rows.flatMap((row) => selectRow(row, wanted) ?? []);
}
