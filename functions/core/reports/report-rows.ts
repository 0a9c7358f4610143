import { readArchivedMinutes } from '../archive/archive-reader';
import { mergeMinutes } from '../archive/archive-format';
import { dayRows, hourRows, totalsOfMinutes, ROLLING_HOURS, type DerivedRow } from '../air-quality/derived-metrics';
import { metricFilter } from '../air-quality/metric-select';
import { readMeasurements } from '../measurements/measurements';
import { HOUR_MS, PERIOD_MS } from '../platform/time';
import { RETENTION_MS, iso, selectRow, type Row } from '../measurements/measurement-windows';
import type { OutputFrequency } from '../platform/time';

/** DynamoDB's TTL deletes a little after expiry; read it for a day longer than it keeps items. */
const DYNAMO_READ_MARGIN_MS = 86_400_000;

/**
 * A datasource's minutes over `[from, to)`, oldest first: the archive's, with what DynamoDB
 * holds for the same times on top (the archiver may not have run since the last ingest, and a
 * resent value replaces the archived one).
 */
async function minutesOf(orgId: string, datasourceId: string, fromMs: number, toMs: number, now: number) {
  const archived = await readArchivedMinutes(orgId, datasourceId, fromMs, toMs);
  const recentFrom = Math.max(fromMs, now - RETENTION_MS - DYNAMO_READ_MARGIN_MS);
  const recent = recentFrom < toMs ? await readMeasurements(datasourceId, iso(recentFrom), iso(toMs - 1), Infinity) : [];
  return mergeMinutes(
    archived,
    recent.map(({ time, metrics }) => ({ time, metrics })),
  );
}

/**
 * One datasource's report rows for `[from, to)` (period starts, for means), oldest first,
 * computed by the recent query's own code: minutes as they are; `hour` and `day` rows from the
 * totals of each period (`totalsOfMinutes`) by `hourRows` / `dayRows` (means, 24-hour rolling
 * means, NowCasts and AQIs; an hour's rolling mean and NowCast read the 23 hours before it, so
 * those minutes are read too). `metricSelect` applies to the output names; rows left without
 * metrics are dropped, as in the recent query.
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
  let rows: Row[];
  if (frequency === 'minute') {
    rows = (await minutesOf(orgId, datasourceId, fromMs, toMs, now)).map(({ time, metrics }) => ({
      datasourceId,
      time,
      metrics,
    }));
  } else {
    const period = PERIOD_MS[frequency];
    const lookBack = frequency === 'hour' ? (ROLLING_HOURS - 1) * HOUR_MS : 0;
    const totals = totalsOfMinutes(await minutesOf(orgId, datasourceId, fromMs - lookBack, toMs, now), period);
    const starts: number[] = [];
    for (let start = fromMs; start < toMs; start += period) starts.push(start);
    const derived: DerivedRow[] =
      frequency === 'hour' ? hourRows(totals, starts) : dayRows(totals.filter((day) => day.start >= fromMs && day.start < toMs));
    rows = derived.map(({ start, end, metrics }) => ({ datasourceId, time: iso(start), endOfPeriod: iso(end), metrics }));
  }
  const wanted = metricFilter(metricSelect);
  return rows.flatMap((row) => selectRow(row, wanted) ?? []);
}
