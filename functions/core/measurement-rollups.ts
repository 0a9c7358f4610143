import { randomBytes } from 'node:crypto';
import { BatchGetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import { ServiceUnavailableError } from './errors';
import type { PeriodTotals, Totals } from './air-quality/derived-metrics';
import { PERIOD_MS, type PeriodDelta, type PeriodKind } from './air-quality/rollup-deltas';

/**
 * Rolled-up measurements: one item per datasource and UTC hour, and per datasource and UTC day,
 * holding the sum and count of each metric's stored minutes (base names, `sum_pm2_5ConcMass`,
 * `count_pm2_5ConcMass`: top-level attributes, because DynamoDB's ADD works on top-level numbers
 * only). Key: PK `AGG#<datasourceId>`, SK `H#<period start ISO>` or `D#<period start ISO>`, so
 * the hours (or days) of a window are one Query. No GSI keys: aggregates never enter the receipt
 * index. Maintained by ingest (./measurements.ts) with one UpdateItem `ADD` per touched period
 * per batch; read by `hour` and `day` queries instead of the minutes.
 */

const SUM = 'sum_';
const COUNT = 'count_';
const PREFIX: Record<PeriodKind, string> = { hour: 'H#', day: 'D#' };
/** Aggregates are kept as long as minutes are, plus a day (rolling means look 23 hours back). */
const RETENTION_MS = 11 * 86_400_000;

export const rollupKey = (datasourceId: string, kind: PeriodKind, start: number) => ({
  PK: `AGG#${datasourceId}`,
  SK: `${PREFIX[kind]}${new Date(start).toISOString()}`,
});

/**
 * Adds one batch's deltas to its periods' aggregates: one UpdateItem per period, `ADD` of every
 * metric's sum and count delta. ADD commutes, so concurrent batches compose exactly; the item is
 * created by the first ADD.
 */
export async function addRollupDeltas(orgId: string, datasourceId: string, deltas: readonly PeriodDelta[]): Promise<void> {
  const table = getTableName();
  await Promise.all(
    deltas.map(async ({ kind, start, deltas: byMetric }) => {
      const names: Record<string, string> = { '#ttl': 'ttl' };
      const values: Record<string, unknown> = {
        ':org': orgId,
        ':ds': datasourceId,
        ':kind': kind,
        ':start': new Date(start).toISOString(),
        ':ttl': Math.floor((start + PERIOD_MS[kind] + RETENTION_MS) / 1000),
      };
      const adds: string[] = [];
      Object.entries(byMetric).forEach(([base, { sum, count }], index) => {
        names[`#s${index}`] = `${SUM}${base}`;
        names[`#c${index}`] = `${COUNT}${base}`;
        values[`:s${index}`] = sum;
        values[`:c${index}`] = count;
        adds.push(`#s${index} :s${index}`, `#c${index} :c${index}`);
      });
      await ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: rollupKey(datasourceId, kind, start),
          UpdateExpression: `SET #type = :type, orgId = :org, datasourceId = :ds, periodKind = :kind, periodStart = :start, #ttl = :ttl ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: { ...names, '#type': 'type' },
          ExpressionAttributeValues: { ...values, ':type': 'rollup' },
        }),
      );
    }),
  );
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
 * one Query, paged (48 + 23 hours or 10 days are a few dozen small items).
 */
export async function readRollups(datasourceId: string, kind: PeriodKind, from: number, to: number): Promise<PeriodTotals[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: getTableName(),
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': `AGG#${datasourceId}`,
          ':from': rollupKey(datasourceId, kind, from).SK,
          ':to': rollupKey(datasourceId, kind, to).SK,
        },
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.map(fromItem);
}

/** Reads the stored minutes' previous values (for deltas): `{datasourceId}|{time}` -> item. */
export async function readStoredMinutes(
  keys: readonly { PK: string; SK: string }[],
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const table = getTableName();
  for (let start = 0; start < keys.length; start += 100) {
    let pending: Record<string, unknown>[] = keys.slice(start, start + 100).map((key) => ({ ...key }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
      const result = await ddb.send(
        new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of result.Responses?.[table] ?? []) found.set(`${item.PK}|${item.SK}`, item);
      pending = (result.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
      if (attempt > 6 && pending.length > 0) throw new ServiceUnavailableError(1);
    }
  }
  return found;
}

/**
 * The ingest lease of a datasource: PK `AGG#<datasourceId>`, SK `LEASE`. Ingests of one datasource
 * take turns under it, so that the minutes each one reads as "replaced" are still there when it
 * writes (the deltas it adds are exact). A lease lasts LEASE_MS, longer than any function may run
 * (10 s), so a writer that dies leaves it to expire instead of blocking the datasource.
 */
const LEASE_MS = 30_000;
/** How long an ingest waits for the lease before answering 503 (it waits for one other ingest). */
const LEASE_WAIT_MS = 8_000;

const leaseKey = (datasourceId: string) => ({ PK: `AGG#${datasourceId}`, SK: 'LEASE' });

/** Runs `work` holding the datasource's ingest lease; 503 when another ingest holds it too long. */
export async function withIngestLease<T>(datasourceId: string, work: () => Promise<T>): Promise<T> {
  const owner = randomBytes(9).toString('base64url');
  const table = getTableName();
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const now = Date.now();
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: leaseKey(datasourceId),
          UpdateExpression: 'SET leaseUntil = :until, leaseOwner = :owner, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':until': now + LEASE_MS,
            ':owner': owner,
            ':now': now,
            ':ttl': Math.floor((now + RETENTION_MS) / 1000),
          },
        }),
      );
      break;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (Date.now() - started > LEASE_WAIT_MS) throw new ServiceUnavailableError(1);
      // Full jitter, so that waiting writers do not retry in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(400, 20 * 2 ** attempt)));
    }
  }
  try {
    return await work();
  } finally {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: table,
          Key: leaseKey(datasourceId),
          UpdateExpression: 'REMOVE leaseUntil, leaseOwner',
          ConditionExpression: 'leaseOwner = :owner',
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Expired and taken by another writer: nothing of ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
