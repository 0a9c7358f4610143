import { randomBytes } from 'node:crypto';
import type { PeriodTotals, Totals } from '../air-quality/derived-metrics';
import { PERIOD_MS, type Period, type PeriodDelta, type PeriodKind } from '../air-quality/rollup-deltas';
import { ServiceUnavailableError } from '../platform/errors';
import {
  ITEM_EXISTS,
  MAX_TRANSACTION_ITEMS,
  UPSERT,
  eachInParallel,
  getNow,
  putNow,
  queryAll,
  retryWhileUnavailable,
  transactOnce,
  updateItem,
  updateNow,
  updateNowReturningOld,
  updateOnce,
  type Guard,
  type ItemChanges,
  type ItemKey,
  type TransactItem,
} from '../store/table';

/**
 * Rolled-up measurements: one item per datasource and UTC hour, and per datasource and UTC day,
 * holding the sum and count of each metric's stored minutes (by base name: `sum_pm2_5ConcMass`,
 * `count_pm2_5ConcMass`, and `nulls_<base>` for readings without a value, top-level attributes
 * because DynamoDB's ADD works on top-level numbers only). Key: PK `AGG#<datasourceId>`, SK `H#<period start ISO>` or `D#<period start ISO>`, so
 * the hours (or days) of a window are one Query. No GSI keys: aggregates never enter the receipt
 * index. Maintained by ingest (./measurements.ts) with one `ADD` per touched period per batch, or
 * a recount from the minutes, as the datasource's ingest lease orders (same partition, SK
 * `LEASE`); read by `hour` and `day` queries instead of the minutes.
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
 * delta per period, all at once. Additions commute, so batches (and ingests of one datasource
 * writing different minutes at once) compose exactly in any order; the first `ADD` creates the item.
 *
 * An `ADD` is sent once and counted only if DynamoDB applied it at its first try: one that was
 * refused for the moment (throttled, a timeout, a server fault) or that the SDK sent again may have
 * been applied once or twice (an answer lost), and several ingests may `ADD` to one period at once,
 * so no stamp can tell. Such a period is answered as uncertain, for the ingest to list as `dirty`
 * on the lease: it is recounted from its minutes before the lease is released. `ingestId` is still
 * stamped (`appliedBy`) and an `ADD` refused when it is there: a resend the SDK made after another
 * ingest's `ADD` is caught by the attempts it reports instead.
 * @returns the periods whose `ADD` is uncertain
 */
export async function addRollupDeltas(
  orgId: string,
  datasourceId: string,
  deltas: readonly PeriodDelta[],
  ingestId: string,
): Promise<Period[]> {
  const uncertain: Period[] = [];
  await eachInParallel(deltas, WRITES_IN_FLIGHT, async (delta) => {
    const { kind, start } = delta;
    const outcome = await updateOnce(rollupKey(datasourceId, kind, start), addChanges(orgId, datasourceId, delta, ingestId), {
      condition: 'attribute_not_exists(#appliedBy) OR #appliedBy <> :ingestId',
      names: { '#appliedBy': 'appliedBy' },
      values: { ':ingestId': ingestId },
    });
    // Refused by the stamp: this ingest's `ADD` is there already (the SDK's first answer was lost);
    // very likely once, recounted all the same.
    if (outcome !== 'applied') uncertain.push({ kind, start });
  });
  return uncertain;
}

const withoutKey = ({ PK: _pk, SK: _sk, ...rest }: ItemKey & Record<string, unknown>) => rest;

/** One period's `ADD` of a batch's deltas (the item's constant fields set, in case it is the first). */
const addChanges = (orgId: string, datasourceId: string, { kind, start, deltas }: PeriodDelta, ingestId: string) => ({
  set: { ...withoutKey(rollupItem(orgId, datasourceId, { kind, start })), appliedBy: ingestId },
  add: totalsAttributes(deltas),
});

/**
 * The `ADD`s of one ingest and its next step on the lease (the holder's release, a writer's
 * finish) as ONE transaction: what a lone ingest of 30 minutes made as three or four UpdateItem
 * calls (an hour or two, a day, the release) is one request. The transaction's token makes a
 * resend harmless; it is all or nothing, so `cancelled` (the lease's condition failed: another
 * ingest moved it, or a conflict) wrote no `ADD` either, and the caller adds them the usual
 * way. `uncertain` (DynamoDB unavailable): the caller recounts those periods.
 */
async function addAlongWith(
  orgId: string,
  datasourceId: string,
  deltas: readonly PeriodDelta[],
  ingestId: string,
  lease: TransactItem,
  step: string,
): Promise<'applied' | 'cancelled' | 'uncertain'> {
  const items = [
    ...deltas.map((delta) =>
      updateItem(rollupKey(datasourceId, delta.kind, delta.start), addChanges(orgId, datasourceId, delta, ingestId), UPSERT),
    ),
    lease,
  ];
  return (await transactOnce(items, `${ingestId}-${step}`)).outcome;
}

/** Whether a batch's `ADD`s fit in one transaction with the lease's update. */
const fitsOneTransaction = (deltas: readonly PeriodDelta[]) => deltas.length < MAX_TRANSACTION_ITEMS;

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
 * The ingest lease of a datasource: PK `AGG#<datasourceId>`, SK `LEASE`. Every ingest lists the
 * periods it touches in `pending` before it writes a minute (write-ahead); one ingest at a time
 * holds the lease, and the others register beside it as writers (`writers`: `<id>@<start>@<first
 * minute>@<last minute>`; the holder's minutes are `leaseSpan`). Nobody waits for anybody:
 *
 * - An ingest whose minutes overlap no other unfinished ingest's (as the lease says when it
 *   registers) keeps the aggregates by deltas, holder or writer: the minutes it reads as
 *   "replaced" are the ones it overwrites (no one else writes them meanwhile), so what it adds is
 *   exact, and additions commute. An ingest whose minutes may overlap another's writes them only
 *   and lists its periods in `dirty`, as does one whose `ADD`s were uncertain or that failed.
 * - A writer says it finished (out of `writers`, `version` + 1, while the lease is held) and
 *   answers. The holder, done, releases if nothing changed since it looked (`version`) and nothing
 *   is `dirty`; else it looks again, and either (writers still writing) releases keeping `pending`
 *   and `dirty`, on the condition that none finished since it looked, or (none) recounts every
 *   `dirty` period from the stored minutes and tries again. A writer that finds the lease released
 *   when it finishes is the last one out: it takes the lease and settles the same way.
 *
 * See docs/architecture.md, "Concurrent ingests". A lease lasts LEASE_MS, longer than any function
 * may run (10 s), so one left by a holder that died expires instead of blocking the datasource
 * (and its next holder recounts every `pending` period); a writer entry older than that is dead
 * too (and every `pending` period is recounted).
 */
const LEASE_MS = 30_000;

const leaseKey = (datasourceId: string): ItemKey => ({ PK: partition(datasourceId), SK: 'LEASE' });

/** The first and last minute (ISO times) an ingest writes. */
export interface Span {
  from: string;
  to: string;
}

/** What one ingest does, in whichever turn it gets. */
export interface IngestWork {
  /**
   * Writes the minutes. `owner` (the ingest's id) given: reads the minutes about to be replaced
   * first, and answers the deltas the written minutes make, for the caller to add (stamped by
   * `owner`: see addRollupDeltas); if some minutes could not be written, adds the deltas of those
   * that were itself and throws. Without `owner`, writes only (and answers no delta).
   */
  write(owner: string | undefined): Promise<PeriodDelta[]>;
  /** Sets periods' aggregates to what their stored minutes give. */
  recount(periods: readonly Period[]): Promise<void>;
}

const stringSet = (item: Record<string, unknown> | undefined, field: string) => [
  ...((item?.[field] as Set<string> | undefined) ?? []),
];

interface WriterEntry {
  entry: string;
  live: boolean;
  span?: Span;
}
const writersOf = (lease: Record<string, unknown>, except?: string): WriterEntry[] =>
  stringSet(lease, 'writers')
    .filter((entry) => entry !== except)
    .map((entry) => {
      const [, started, from, to] = entry.split('@');
      return { entry, live: Number(started) > Date.now() - LEASE_MS, ...(from && to ? { span: { from, to } } : {}) };
    });
/** Whether `span` may share a minute with `other` (an entry without a span may share any). */
const overlaps = (span: Span, other: Span | undefined) => !other || (span.from <= other.to && other.from <= span.to);
const spanOf = (value: unknown): Span | undefined => {
  const [from, to] = typeof value === 'string' ? value.split('@') : [];
  return from && to ? { from, to } : undefined;
};

/**
 * Runs one ingest of a datasource that writes the minutes `span` and touches the periods
 * `touched`: as the lease's holder when it is free, else at once beside its holder. Never waits
 * on another ingest.
 */
export async function ingestInTurn(
  orgId: string,
  datasourceId: string,
  touched: readonly Period[],
  span: Span,
  work: IngestWork,
): Promise<void> {
  const id = randomBytes(9).toString('base64url');
  const names = touched.map(periodName);
  for (let attempt = 0; ; attempt++) {
    const held = await takeLease(datasourceId, id, names, span);
    if (held) return holdLease(orgId, datasourceId, id, names, span, held, work);
    const entry = `${id}@${Date.now()}@${span.from}@${span.to}`;
    const lease = await registerWriter(datasourceId, entry, names);
    if (lease) {
      const alone =
        !overlaps(span, spanOf(lease.leaseSpan)) &&
        writersOf(lease, entry).every((writer) => !writer.live || !overlaps(span, writer.span));
      let deltas: PeriodDelta[] = [];
      try {
        if (alone) deltas = await work.write(id);
        else await work.write(undefined);
      } catch (error) {
        // What was written is recounted by whoever settles (best effort: else the entry ages out).
        await finishWriter(datasourceId, entry, names, { whether: 'held or not' }).catch(() => false);
        throw error;
      }
      let dirty: string[] = alone ? [] : [...names];
      if (deltas.length > 0) {
        // Alone: the `ADD`s and the finish in one transaction while the lease is held (a
        // writer's usual case); released meanwhile (cancelled), the `ADD`s alone, and this
        // writer settles below as the last one out.
        const outcome = fitsOneTransaction(deltas)
          ? await addAlongWith(orgId, datasourceId, deltas, id, updateItem(...finishRequest(datasourceId, entry, [])), 'finish')
          : 'cancelled';
        if (outcome === 'applied') return;
        dirty =
          outcome === 'uncertain'
            ? deltas.map(periodName)
            : (await addRollupDeltas(orgId, datasourceId, deltas, id)).map(periodName);
      }
      // The lease still held: its holder (or whoever settles after it) sees this finish in
      // `version` and settles after it. Released: this writer is the last one out, and settles.
      for (;;) {
        if (await finishWriter(datasourceId, entry, dirty)) return;
        const taken = await takeLease(datasourceId, id, names, span, entry);
        if (taken) {
          const looked = { ...taken, writers: new Set(stringSet(taken, 'writers').filter((other) => other !== entry)) };
          return settle(datasourceId, id, work, [...dirty, ...expiredPending(taken)], Number(taken.version ?? 0), looked);
        }
      }
    }
    // The lease was released between the two tries: try again (a holder's turn is short).
    if (attempt >= 20) throw new ServiceUnavailableError(1);
  }
}

/** A lease taken after it expired (not released): its holder died, and every pending period is unsure. */
const expiredPending = (taken: Record<string, unknown>) => (taken.leaseUntil === undefined ? [] : stringSet(taken, 'pending'));

/** Takes the lease if free, adding `periods` to `pending`; the item as it was, or undefined if held. */
async function takeLease(
  datasourceId: string,
  owner: string,
  periods: readonly string[],
  span: Span,
  ownWriterEntry?: string,
): Promise<Record<string, unknown> | undefined> {
  const now = Date.now();
  const taken = await retryWhileUnavailable(() =>
    updateNowReturningOld(
      leaseKey(datasourceId),
      {
        set: {
          leaseUntil: now + LEASE_MS,
          leaseOwner: owner,
          leaseSpan: `${span.from}@${span.to}`,
          ttl: Math.floor((now + KEEP_MS) / 1000),
        },
        addToSet: periods.length > 0 ? { pending: periods } : {},
        ...(ownWriterEntry ? { removeFromSet: { writers: [ownWriterEntry] } } : {}),
      },
      { condition: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now', values: { ':now': now } },
      { whole: true },
    ),
  );
  return taken === false ? undefined : taken;
}

/**
 * Registers a writer beside the holder (its periods pending, itself a writer), if the lease is
 * held: the lease as it is then (to see whose minutes this writer's may overlap), or undefined.
 */
async function registerWriter(
  datasourceId: string,
  entry: string,
  periods: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const lease = await retryWhileUnavailable(() =>
    updateNowReturningOld(
      leaseKey(datasourceId),
      { add: { version: 1 }, addToSet: { writers: [entry], ...(periods.length > 0 ? { pending: periods } : {}) } },
      { condition: 'leaseUntil >= :now', values: { ':now': Date.now() } },
      { whole: true },
    ),
  );
  return lease === false ? undefined : lease;
}

/**
 * Says a writer finished, listing `dirty` (its periods to recount), if the lease is still held
 * (or, for a writer that failed, `whether: 'held or not'`: its periods must be recounted by
 * whoever settles next).
 */
async function finishWriter(
  datasourceId: string,
  entry: string,
  dirty: readonly string[],
  { whether = 'held' }: { whether?: 'held' | 'held or not' } = {},
): Promise<boolean> {
  return retryWhileUnavailable(() => updateNow(...finishRequest(datasourceId, entry, dirty, whether)));
}

/** `finishWriter`'s update, for `updateNow` or a transaction. */
function finishRequest(
  datasourceId: string,
  entry: string,
  dirty: readonly string[],
  whether: 'held' | 'held or not' = 'held',
): [ItemKey, ItemChanges, Guard] {
  return [
    leaseKey(datasourceId),
    { add: { version: 1 }, removeFromSet: { writers: [entry] }, ...(dirty.length > 0 ? { addToSet: { dirty } } : {}) },
    whether === 'held' ? { condition: 'leaseUntil >= :now', values: { ':now': Date.now() } } : ITEM_EXISTS,
  ];
}

/**
 * Runs the holder's own work holding the lease taken as `taken`, then settles. If the work
 * fails, the lease is released with its periods `dirty`, for whoever settles next.
 */
async function holdLease(
  orgId: string,
  datasourceId: string,
  owner: string,
  names: readonly string[],
  span: Span,
  taken: Record<string, unknown>,
  work: IngestWork,
): Promise<void> {
  // Writers a previous holder left still writing: deltas only if none of them may share a minute.
  const others = writersOf(taken).filter((writer) => writer.live);
  const alone = others.every((writer) => !overlaps(span, writer.span));
  let deltas: PeriodDelta[] = [];
  try {
    if (alone) deltas = await work.write(owner);
    else await work.write(undefined);
  } catch (error) {
    // Refused only when the lease expired and another ingest took it: nothing of ours to release.
    // Sent again while DynamoDB is unavailable for a moment, since a lease not released keeps
    // the datasource's pending periods unsettled until it expires.
    await releaseLease(datasourceId, owner, 'keepPending', [...names, ...expiredPending(taken)]);
    throw error;
  }
  // With writers left by the previous holder (dead ones too: their periods are recounted), look
  // before releasing (`seen` -1 never matches).
  const seen = writersOf(taken).length > 0 ? -1 : Number(taken.version ?? 0);
  const own = [...(alone ? [] : names), ...expiredPending(taken)];
  if (deltas.length > 0) {
    // The usual case, a lone ingest: its `ADD`s and the release in one transaction. Cancelled
    // (a writer came beside it, something is dirty), the `ADD`s alone, then settle as below.
    const outcome =
      own.length === 0 && seen !== -1 && fitsOneTransaction(deltas)
        ? await addAlongWith(
            orgId,
            datasourceId,
            deltas,
            owner,
            updateItem(...releaseRequest(datasourceId, owner, 'clean', [], seen)),
            'release',
          )
        : 'cancelled';
    if (outcome === 'applied') return;
    // Uncertain: recounted (settle looks first: a lease no longer this holder's was released by it).
    own.push(
      ...(outcome === 'uncertain'
        ? deltas.map(periodName)
        : (await addRollupDeltas(orgId, datasourceId, deltas, owner)).map(periodName)),
    );
  }
  await settle(datasourceId, owner, work, own, seen);
}

/**
 * Settles and releases the lease `owner` holds, never waiting. Released with `pending` and `dirty`
 * cleared if nothing changed since `seen` (the `version` of the holder's last look) and nothing is
 * dirty (`own`: the holder's own periods to recount); otherwise it looks (or takes `looked`, the
 * lease as it just saw it): with writers still writing, it releases keeping `pending` and `dirty`
 * (adding `own`), on the condition that none registered or finished since the look (they settle,
 * the last one out); with none, it recounts every dirty period (every pending one if a writer
 * died) and tries again. Conditional on `version` both ways: a writer that finished between the
 * look and the release either is seen (the release is refused and the loop looks again) or finds
 * the lease released (and settles itself), so no period is left unsettled with nobody holding the
 * lease while an ingest that wrote into it is unanswered.
 */
async function settle(
  datasourceId: string,
  owner: string,
  work: IngestWork,
  own: readonly string[],
  seen: number,
  looked?: Record<string, unknown>,
): Promise<void> {
  let lease = looked;
  let ownDirty = [...own];
  // Until this holder has looked and recounted, `dirty` may hold what others left before it took the lease.
  let recounted = false;
  for (;;) {
    if (!lease) {
      if (ownDirty.length === 0 && (await releaseLease(datasourceId, owner, recounted ? 'settled' : 'clean', [], seen))) return;
      lease = await getNow(leaseKey(datasourceId), { consistent: true });
      if (lease?.leaseOwner !== owner) return; // expired and taken: its holder settles
    }
    const version = Number(lease.version ?? 0);
    const writers = writersOf(lease);
    if (writers.some((writer) => writer.live)) {
      if (await releaseLease(datasourceId, owner, 'keepPending', ownDirty, version)) return;
    } else {
      const recount = [
        ...new Set([...(writers.length > 0 ? stringSet(lease, 'pending') : stringSet(lease, 'dirty')), ...ownDirty]),
      ];
      try {
        await work.recount(recount.map(periodNamed));
      } catch (error) {
        // Left dirty for whoever settles next (if even this fails, the lease expires).
        await releaseLease(datasourceId, owner, 'keepPending', recount).catch(() => false);
        throw error;
      }
      ownDirty = [];
      seen = version;
      recounted = true;
    }
    lease = undefined;
  }
}

/**
 * Releases the lease. `settled`: nothing changed since the holder looked and recounted what was
 * dirty (`version` is still `seen`: every writer registering or finishing moves it), so `pending`,
 * `dirty` and the dead writers go too; refused (false) otherwise. `clean`: the same, for a holder
 * that has not looked: only if nothing is dirty either. `keepPending`: `pending` stays, with `dirty` added, for the writers still writing or
 * the next holder; with `seen`, only if no writer registered or finished since the holder looked.
 */
async function releaseLease(
  datasourceId: string,
  owner: string,
  how: 'settled' | 'clean' | 'keepPending',
  dirty: readonly string[],
  seen?: number,
): Promise<boolean> {
  return retryWhileUnavailable(() => updateNow(...releaseRequest(datasourceId, owner, how, dirty, seen)));
}

/** `releaseLease`'s update, for `updateNow` or a transaction. */
function releaseRequest(
  datasourceId: string,
  owner: string,
  how: 'settled' | 'clean' | 'keepPending',
  dirty: readonly string[],
  seen?: number,
): [ItemKey, ItemChanges, Guard] {
  const unchanged = seen === undefined ? '' : ' AND (attribute_not_exists(#version) OR #version = :seen)';
  const clean = how === 'clean' ? ' AND attribute_not_exists(dirty)' : '';
  const released = ['leaseUntil', 'leaseOwner', 'leaseSpan'];
  return [
    leaseKey(datasourceId),
    {
      remove: how === 'keepPending' ? released : [...released, 'pending', 'dirty', 'writers'],
      ...(dirty.length > 0 ? { addToSet: { dirty: [...dirty] } } : {}),
    },
    {
      condition: `leaseOwner = :owner${unchanged}${clean}`,
      ...(seen === undefined ? {} : { names: { '#version': 'version' } }),
      values: { ':owner': owner, ...(seen === undefined ? {} : { ':seen': seen }) },
    },
  ];
}
