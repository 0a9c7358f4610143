import { randomBytes } from 'node:crypto';
import type { PeriodTotals, Totals } from '../air-quality/derived-metrics';
import { PERIOD_MS, type Period, type PeriodDelta, type PeriodKind } from '../air-quality/rollup-deltas';
import { ServiceUnavailableError } from '../platform/errors';
import { addNow, putNow, queryAll, retryWhileUnavailable, updateNow, updateNowReturningOld, type ItemKey } from '../store/table';

/**
 * Rolled-up measurements: one item per datasource and UTC hour, and per datasource and UTC day,
 * holding the sum and count of each metric's stored minutes (by base name: `sum_pm2_5ConcMass`,
 * `count_pm2_5ConcMass`, top-level attributes because DynamoDB's ADD works on top-level numbers
 * only). Key: PK `AGG#<datasourceId>`, SK `H#<period start ISO>` or `D#<period start ISO>`, so
 * the hours (or days) of a window are one Query. No GSI keys: aggregates never enter the receipt
 * index. Maintained by ingest (./measurements.ts) with one `ADD` per touched period per batch,
 * under the datasource's ingest lease (same partition, SK `LEASE`); read by `hour` and `day`
 * queries instead of the minutes.
 */

const SUM = 'sum_';
const COUNT = 'count_';
const PREFIX: Record<PeriodKind, string> = { hour: 'H#', day: 'D#' };
/** Aggregates are kept as long as minutes are (10 days), plus a day: rolling means look 23 hours back. */
const KEEP_MS = 11 * 86_400_000;

const partition = (datasourceId: string) => `AGG#${datasourceId}`;

export const rollupKey = (datasourceId: string, kind: PeriodKind, start: number): ItemKey => ({
  PK: partition(datasourceId),
  SK: `${PREFIX[kind]}${new Date(start).toISOString()}`,
});

const periodName = ({ kind, start }: Period) => `${PREFIX[kind]}${new Date(start).toISOString()}`;
const periodNamed = (name: string): Period => ({
  kind: name.startsWith(PREFIX.hour) ? 'hour' : 'day',
  start: Date.parse(name.slice(2)),
});

/** The aggregate item of a period holding `totals`, for ADDs to build on or a recount to replace. */
function rollupItem(orgId: string, datasourceId: string, { kind, start }: Period) {
  return {
    ...rollupKey(datasourceId, kind, start),
    type: 'rollup',
    orgId,
    datasourceId,
    periodKind: kind,
    periodStart: new Date(start).toISOString(),
    ttl: Math.floor((start + PERIOD_MS[kind] + KEEP_MS) / 1000),
  };
}

/**
 * Adds one batch's deltas to its periods' aggregates: one `ADD` of every metric's sum and count
 * delta per period, all at once. Additions commute, so batches compose exactly in any order; the
 * first `ADD` creates the item.
 *
 * `ingestId` (the lease owner: one ingest of one datasource, which adds to each period once) is
 * stamped on the period as `appliedBy`, and the `ADD` is refused when it is there already: so an
 * `ADD` that DynamoDB refused for the moment (throttled, a timeout, a server fault, even one it
 * applied before the answer was lost) is sent again, with the table's backoff, and counted once.
 * Ingests of a datasource take turns under its lease, so no other ingest stamps the period in between.
 */
export async function addRollupDeltas(
  orgId: string,
  datasourceId: string,
  deltas: readonly PeriodDelta[],
  ingestId: string,
): Promise<void> {
  await Promise.all(
    deltas.map(({ kind, start, deltas: byMetric }) =>
      retryWhileUnavailable(() =>
        addNow(
          rollupKey(datasourceId, kind, start),
          {
            set: {
              ...withoutKey(rollupItem(orgId, datasourceId, { kind, start })),
              appliedBy: ingestId,
            },
            add: Object.fromEntries(
              Object.entries(byMetric).flatMap(([base, { sum, count }]) => [
                [`${SUM}${base}`, sum],
                [`${COUNT}${base}`, count],
              ]),
            ),
          },
          {
            condition: 'attribute_not_exists(#appliedBy) OR #appliedBy <> :ingestId',
            names: { '#appliedBy': 'appliedBy' },
            values: { ':ingestId': ingestId },
          },
        ),
      ),
    ),
  );
}

const withoutKey = ({ PK: _pk, SK: _sk, ...rest }: ItemKey & Record<string, unknown>) => rest;

/**
 * Replaces a period's aggregate with `totals` counted from its stored minutes: how a period an
 * ingest left unsure (listed `pending` on the lease, below) is made exact again by the next
 * holder of the lease, before it writes.
 */
export async function setRollupTotals(
  orgId: string,
  datasourceId: string,
  period: Period,
  totals: Readonly<Record<string, Totals>>,
): Promise<void> {
  await putNow({
    ...rollupItem(orgId, datasourceId, period),
    ...Object.fromEntries(
      Object.entries(totals).flatMap(([base, { sum, count }]) => [
        [`${SUM}${base}`, sum],
        [`${COUNT}${base}`, count],
      ]),
    ),
  });
}

function fromItem(item: Record<string, unknown>): PeriodTotals {
  const totals: Record<string, Totals> = {};
  for (const [attribute, value] of Object.entries(item)) {
    if (!attribute.startsWith(COUNT)) continue;
    const base = attribute.slice(COUNT.length);
    const count = Number(value);
    // A metric whose minutes were all overwritten away keeps count 0: it has no mean.
    if (count > 0) totals[base] = { sum: Number(item[`${SUM}${base}`] ?? 0), count };
  }
  return { start: Date.parse(item.periodStart as string), totals };
}

/**
 * One datasource's aggregates of `kind` with `from <= start <= to` (epoch ms), oldest first:
 * one Query (48 + 23 hours, or 10 days, are a few dozen small items).
 */
export async function readRollups(datasourceId: string, kind: PeriodKind, from: number, to: number): Promise<PeriodTotals[]> {
  // An empty window (a `startTime` past the last period): DynamoDB refuses a BETWEEN with its
  // bounds reversed (a ValidationException, a 500 the fuzz tests found), and there is nothing to read.
  if (from > to) return [];
  const items = await queryAll({
    partition: partition(datasourceId),
    between: [rollupKey(datasourceId, kind, from).SK, rollupKey(datasourceId, kind, to).SK],
  });
  return items.map(fromItem);
}

/**
 * The ingest lease of a datasource: PK `AGG#<datasourceId>`, SK `LEASE`. Ingests of one datasource
 * take turns under it, so that the minutes each one reads as "replaced" are still there when it
 * writes, and the deltas it adds are exact. A lease lasts LEASE_MS, longer than any function may
 * run (10 s), so one left by a writer that died expires instead of blocking the datasource.
 */
const LEASE_MS = 30_000;
/** How long an ingest waits for the lease before answering 503 (typically it waits for one other ingest). */
const LEASE_WAIT_MS = 8_000;

const leaseKey = (datasourceId: string): ItemKey => ({ PK: partition(datasourceId), SK: 'LEASE' });

/**
 * Runs `work` holding the datasource's ingest lease; 503 when others hold it for too long.
 *
 * Write-ahead: taking the lease adds the periods the ingest will touch to the lease's `pending`
 * set, and only an ingest that finished (minutes written and their `ADD`s applied) clears it when
 * it releases. So a set left behind names every period that an ingest which failed half-way (a
 * process that died, DynamoDB unavailable through the retries) may have left short, and `work`
 * receives it (`unsettled`): the next holder recounts those periods from their stored minutes
 * before it writes. `work` also receives the lease's owner id, unique to this ingest.
 */
export async function withIngestLease<T>(
  datasourceId: string,
  touched: readonly Period[],
  work: (owner: string, unsettled: Period[]) => Promise<T>,
): Promise<T> {
  const owner = randomBytes(9).toString('base64url');
  const started = Date.now();
  let before: Record<string, unknown>;
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    const taken = await updateNowReturningOld(
      leaseKey(datasourceId),
      {
        set: { leaseUntil: now + LEASE_MS, leaseOwner: owner, ttl: Math.floor((now + KEEP_MS) / 1000) },
        addToSet: touched.length > 0 ? { pending: touched.map(periodName) } : {},
      },
      { condition: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now', values: { ':now': now } },
    );
    if (taken) {
      before = taken;
      break;
    }
    if (Date.now() - started > LEASE_WAIT_MS) throw new ServiceUnavailableError(1);
    // Full jitter, so that waiting writers do not retry in lockstep.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 20 * 2 ** attempt)));
  }
  const unsettled = [...((before.pending as Set<string> | undefined) ?? [])].map(periodNamed);
  let finished = false;
  try {
    const result = await work(owner, unsettled);
    finished = true;
    return result;
  } finally {
    // Refused only when the lease expired and another writer took it (or a repeat finds it
    // released already): nothing of ours to release. Sent again while DynamoDB is unavailable for
    // a moment, since a release that fails keeps the datasource's ingests waiting for LEASE_MS.
    await retryWhileUnavailable(() =>
      updateNow(
        leaseKey(datasourceId),
        { remove: ['leaseUntil', 'leaseOwner', ...(finished ? ['pending'] : [])] },
        { condition: 'leaseOwner = :owner', values: { ':owner': owner } },
      ),
    );
  }
}
