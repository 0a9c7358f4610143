import { randomBytes } from 'node:crypto';
import type { PeriodTotals, Totals } from '../air-quality/derived-metrics';
import { PERIOD_MS, type Period, type PeriodDelta, type PeriodKind } from '../air-quality/rollup-deltas';
import { ServiceUnavailableError } from '../platform/errors';
import {
  eachInParallel,
  getNow,
  putNow,
  queryAll,
  retryWhileUnavailable,
  updateNow,
  updateNowReturningOld,
  type ItemKey,
} from '../store/table';

/**
 * Rolled-up measurements: one item per datasource and UTC hour, and per datasource and UTC day,
 * holding the sum and count of each metric's stored minutes (by base name: `sum_pm2_5ConcMass`,
 * `count_pm2_5ConcMass`, and `nulls_<base>` for readings without a value, top-level attributes
 * because DynamoDB's ADD works on top-level numbers only). Key: PK `AGG#<datasourceId>`, SK `H#<period start ISO>` or `D#<period start ISO>`, so
 * the hours (or days) of a window are one Query. No GSI keys: aggregates never enter the receipt
 * index. Maintained by ingest (./measurements.ts) with one `ADD` per touched period per batch,
 * under the datasource's ingest lease (same partition, SK `LEASE`); read by `hour` and `day`
 * queries instead of the minutes.
 */

const SUM = 'sum_';
const COUNT = 'count_';
const NULLS = 'nulls_';

/** A period's attributes for `totals`: `nulls_<base>` only where readings had no value. */
function totalsAttributes(totals: Readonly<Record<string, Totals>>): Record<string, number> {
  const attributes: Record<string, number> = {};
  for (const [base, { sum, count, nulls }] of Object.entries(totals)) {
    attributes[`${SUM}${base}`] = sum;
    attributes[`${COUNT}${base}`] = count;
    if (nulls) attributes[`${NULLS}${base}`] = nulls;
  }
  return attributes;
}
const PREFIX: Record<PeriodKind, string> = { hour: 'H#', day: 'D#' };
/** Aggregates are kept as long as minutes are (10 days), plus a day: rolling means look 23 hours back. */
const KEEP_MS = 11 * 86_400_000;

const partition = (datasourceId: string) => `AGG#${datasourceId}`;

/**
 * `ADD`s (or recounts) of one ingest in flight at once: a 10-day backlog touches about 250 hours
 * and days, and all at once would queue behind the SDK client's 50 sockets (its "socket usage at
 * capacity" warning) and starve the other requests of the process; 16 keep the latency near
 * one round trip per 16 periods.
 */
export const WRITES_IN_FLIGHT = 16;

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
  await eachInParallel(deltas, WRITES_IN_FLIGHT, ({ kind, start, deltas: byMetric }) =>
    retryWhileUnavailable(() =>
      updateNow(
        rollupKey(datasourceId, kind, start),
        {
          set: {
            ...withoutKey(rollupItem(orgId, datasourceId, { kind, start })),
            appliedBy: ingestId,
          },
          add: totalsAttributes(byMetric),
        },
        {
          condition: 'attribute_not_exists(#appliedBy) OR #appliedBy <> :ingestId',
          names: { '#appliedBy': 'appliedBy' },
          values: { ':ingestId': ingestId },
        },
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
    ...totalsAttributes(totals),
  });
}

function fromItem(item: Record<string, unknown>): PeriodTotals {
  const totals: Record<string, Totals> = {};
  for (const attribute of Object.keys(item)) {
    const prefix = attribute.startsWith(COUNT) ? COUNT : attribute.startsWith(NULLS) ? NULLS : undefined;
    if (!prefix) continue;
    const base = attribute.slice(prefix.length);
    if (base in totals) continue;
    const count = Number(item[`${COUNT}${base}`] ?? 0);
    const nulls = Number(item[`${NULLS}${base}`] ?? 0);
    // A metric whose minutes were all overwritten away keeps counts of 0: the period holds none.
    if (count > 0 || nulls > 0) totals[base] = { sum: Number(item[`${SUM}${base}`] ?? 0), count, ...(nulls > 0 && { nulls }) };
  }
  return { start: Date.parse(item.periodStart as string), totals };
}

/**
 * One datasource's aggregates of `kind` with `from <= start <= to` (epoch ms), oldest first:
 * one Query (48 + 23 hours, or 10 days, are a few dozen small items).
 */
export async function readRollups(
  datasourceId: string,
  kind: PeriodKind,
  from: number,
  to: number,
  { consistent = false } = {},
): Promise<PeriodTotals[]> {
  // An empty window (a `startTime` past the last period): DynamoDB refuses a BETWEEN with its
  // bounds reversed (a ValidationException, a 500 the fuzz tests found), and there is nothing to read.
  if (from > to) return [];
  const items = await queryAll({
    partition: partition(datasourceId),
    between: [rollupKey(datasourceId, kind, from).SK, rollupKey(datasourceId, kind, to).SK],
    consistent,
  });
  return items.map(fromItem);
}

/**
 * The ingest lease of a datasource: PK `AGG#<datasourceId>`, SK `LEASE`. One ingest at a time
 * holds it and keeps the aggregates by deltas: the minutes it reads as "replaced" are the ones it
 * overwrites, so what it adds is exact. An ingest that finds the lease held does not wait: it
 * registers as a writer beside the holder (its periods into `pending`, itself into `writers`),
 * writes its minutes, and says it finished (out of `writers`, `version` + 1); the holder, before
 * it releases, waits for the writers it sees and recounts every `pending` period from the stored
 * minutes, and releases only if nothing changed since it looked (`version`). A writer that finds
 * the lease released when it finishes takes it and recounts itself. See docs/architecture.md,
 * "Concurrent ingests".
 *
 * A lease lasts LEASE_MS, longer than any function may run (10 s), so one left by a writer that
 * died expires instead of blocking the datasource; a writer entry older than that is dead too.
 */
const LEASE_MS = 30_000;
/** How long a holder waits for the writers beside it before it leaves them the recount. */
const WRITER_WAIT_MS = 3_000;

const leaseKey = (datasourceId: string): ItemKey => ({ PK: partition(datasourceId), SK: 'LEASE' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What one ingest does, in whichever turn it gets. */
export interface IngestWork {
  /**
   * Holding the lease: recount `unsettled` (periods others left unsure), read the minutes about
   * to be replaced, write, and add the deltas (`owner` stamps the `ADD`s: see addRollupDeltas).
   */
  asHolder(owner: string, unsettled: Period[]): Promise<void>;
  /** Beside the holder: write the minutes only (the holder recounts their periods). */
  asWriter(): Promise<void>;
  /** Sets periods' aggregates to what their stored minutes give. */
  recount(periods: readonly Period[]): Promise<void>;
}

const periodsIn = (item: Record<string, unknown> | undefined, field: string) =>
  [...((item?.[field] as Set<string> | undefined) ?? [])].map(periodNamed);

/**
 * Runs one ingest of a datasource that touches the periods `touched`: as the lease's holder
 * when it is free, else at once beside its holder. Never waits on another ingest's writes.
 *
 * Write-ahead: every ingest adds the periods it touches to the lease's `pending` set before it
 * writes a minute, and only a holder that recounted (or added the exact deltas of) every pending
 * period after all the writers it saw finished clears it. A period an ingest that failed half-way
 * (a process that died, DynamoDB unavailable through the retries) may have left short stays
 * pending, and the next holder recounts it before it writes.
 */
export async function ingestInTurn(datasourceId: string, touched: readonly Period[], work: IngestWork): Promise<void> {
  const id = randomBytes(9).toString('base64url');
  const names = touched.map(periodName);
  for (let attempt = 0; ; attempt++) {
    const held = await takeLease(datasourceId, id, names);
    if (held) return holdLease(datasourceId, id, held, work, () => work.asHolder(id, periodsIn(held, 'pending')));
    const entry = `${id}@${Date.now()}`;
    if (await registerWriter(datasourceId, entry, names)) {
      try {
        await work.asWriter();
      } catch (error) {
        // What was written is recounted by the holder (or, the lease released, by the next one).
        await finishWriter(datasourceId, entry).catch(() => false);
        throw error;
      }
      if (await finishWriter(datasourceId, entry)) return;
      // The holder released before this writer finished: take the lease and recount, as a holder.
      for (;;) {
        const taken = await takeLease(datasourceId, id, names, entry);
        if (taken) {
          const unsettled = [...new Map([...periodsIn(taken, 'pending'), ...touched].map((p) => [periodName(p), p])).values()];
          return holdLease(datasourceId, id, taken, work, () => work.recount(unsettled));
        }
        if (await finishWriter(datasourceId, entry)) return;
      }
    }
    // The lease was released between the two tries: try again (a holder's turn is short).
    if (attempt >= 20) throw new ServiceUnavailableError(1);
  }
}

/** Takes the lease if free, adding `periods` to `pending`; the item as it was, or undefined if held. */
async function takeLease(
  datasourceId: string,
  owner: string,
  periods: readonly string[],
  ownWriterEntry?: string,
): Promise<Record<string, unknown> | undefined> {
  const now = Date.now();
  const taken = await retryWhileUnavailable(() =>
    updateNowReturningOld(
      leaseKey(datasourceId),
      {
        set: { leaseUntil: now + LEASE_MS, leaseOwner: owner, ttl: Math.floor((now + KEEP_MS) / 1000) },
        addToSet: periods.length > 0 ? { pending: periods } : {},
        ...(ownWriterEntry ? { removeFromSet: { writers: [ownWriterEntry] } } : {}),
      },
      { condition: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now', values: { ':now': now } },
      { whole: true },
    ),
  );
  return taken === false ? undefined : taken;
}

/** Registers a writer beside the holder (its periods pending, itself a writer), if the lease is held. */
async function registerWriter(datasourceId: string, entry: string, periods: readonly string[]): Promise<boolean> {
  return retryWhileUnavailable(() =>
    updateNow(
      leaseKey(datasourceId),
      { add: { version: 1 }, addToSet: { writers: [entry], ...(periods.length > 0 ? { pending: periods } : {}) } },
      { condition: 'leaseUntil >= :now', values: { ':now': Date.now() } },
    ),
  );
}

/** Says a writer finished (the holder recounts its periods), if the lease is still held. */
async function finishWriter(datasourceId: string, entry: string): Promise<boolean> {
  return retryWhileUnavailable(() =>
    updateNow(
      leaseKey(datasourceId),
      { add: { version: 1 }, removeFromSet: { writers: [entry] } },
      { condition: 'leaseUntil >= :now', values: { ':now': Date.now() } },
    ),
  );
}

/**
 * Runs `own` (the holder's work) holding the lease taken as `taken`, then settles what writers
 * beside it wrote, and releases. If `own` fails, the lease is released with `pending` kept.
 */
async function holdLease(
  datasourceId: string,
  owner: string,
  taken: Record<string, unknown>,
  work: IngestWork,
  own: () => Promise<void>,
): Promise<void> {
  let finished = false;
  try {
    await own();
    finished = true;
  } finally {
    // Refused only when the lease expired and another writer took it: nothing of ours to release.
    // Sent again while DynamoDB is unavailable for a moment, since a lease not released keeps
    // the datasource's pending periods unsettled until it expires.
    if (!finished) await releaseLease(datasourceId, owner, 'keepPending');
  }
  let seen = Number(taken.version ?? 0);
  const waitUntil = Date.now() + WRITER_WAIT_MS;
  for (;;) {
    if (await releaseLease(datasourceId, owner, 'settled', seen)) return;
    const lease = await getNow(leaseKey(datasourceId), { consistent: true });
    if (lease?.leaseOwner !== owner) return; // expired and taken: its holder settles
    const live = [...((lease.writers as Set<string> | undefined) ?? [])].filter(
      (entry) => Number(entry.slice(entry.lastIndexOf('@') + 1)) > Date.now() - LEASE_MS,
    );
    if (live.length > 0) {
      // Writers beside this holder are still writing: wait for them, or leave them the recount
      // (a writer that finds the lease released takes it and recounts).
      if (Date.now() > waitUntil) {
        await releaseLease(datasourceId, owner, 'keepPending');
        return;
      }
      await sleep(20 + Math.random() * 30);
      continue;
    }
    await work.recount(periodsIn(lease, 'pending'));
    seen = Number(lease.version ?? 0);
  }
}

/**
 * Releases the lease. `settled`: every pending period is exact, and nothing changed since the
 * holder looked (`version` is still `seen`), so `pending` and the dead writers go too; refused
 * (false) otherwise. `keepPending`: `pending` stays for the next holder.
 */
async function releaseLease(datasourceId: string, owner: string, how: 'settled' | 'keepPending', seen = 0): Promise<boolean> {
  return retryWhileUnavailable(() =>
    how === 'settled'
      ? updateNow(
          leaseKey(datasourceId),
          { remove: ['leaseUntil', 'leaseOwner', 'pending', 'writers'] },
          {
            condition: 'leaseOwner = :owner AND (attribute_not_exists(#version) OR #version = :seen)',
            names: { '#version': 'version' },
            values: { ':owner': owner, ':seen': seen },
          },
        )
      : updateNow(
          leaseKey(datasourceId),
          { remove: ['leaseUntil', 'leaseOwner'] },
          { condition: 'leaseOwner = :owner', values: { ':owner': owner } },
        ),
  );
}
