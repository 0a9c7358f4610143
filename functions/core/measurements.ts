import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand, type PutCommandInput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import { ServiceUnavailableError } from './errors';
import { GSI1, isConditionFailure, translateDynamoError, type StoredItem } from './table';
import { addRollupDeltas, readStoredMinutes } from './measurement-rollups';
import { rollupDeltas, type MinuteValues } from './air-quality/rollup-deltas';

/**
 * Measurements: one item per datasource and time.
 * Key: PK `MEAS#<datasourceId>`, SK `<ISO time>` (so one datasource's recent minutes are one
 * Query, newest first, and the same time sent again overwrites). GSI1: `RCV#<orgId>` /
 * `<receivedAt>#<datasourceId>#<time>`, the org's receipts in ingest order, which continuations read.
 */

const DAY_MS = 86_400_000;

/** Windows of the recent-measurements query, by output frequency (contract section 6). */
export const WINDOW_MS = { minute: DAY_MS, hour: 2 * DAY_MS, day: 10 * DAY_MS } as const;

/** Items expire (DynamoDB TTL) once older than the longest window. */
export const RETENTION_MS = WINDOW_MS.day;

/** How far in the future a measurement's time may be (device clocks drift a little). */
export const MAX_FUTURE_MS = 5 * 60_000;

/** At most this many measurements (or aggregated periods) in one answer; see docs/architecture.md. */
export const MAX_MEASUREMENTS_PER_ANSWER = 5000;

export interface Measurement {
  datasourceId: string;
  /** ISO 8601 UTC with milliseconds, as `Date#toISOString`. */
  time: string;
  metrics: Record<string, number>;
}

export interface StoredMeasurement extends Measurement {
  orgId: string;
  /** Position in the org's receipt order (GSI1SK): `<receivedAt>#<datasourceId>#<time>`. */
  receipt: string;
}

export const measurementKey = (datasourceId: string, time: string) => ({ PK: `MEAS#${datasourceId}`, SK: time });
const receiptPartition = (orgId: string) => `RCV#${orgId}`;

/** A receipt position that sorts after every receipt stamped at `at` (and before any later one). */
export const receiptMarkAt = (at: Date) => `${at.toISOString()}#~`;

function toItem(orgId: string, measurement: Measurement, receivedAt: string): StoredItem & Record<string, unknown> {
  const receipt = `${receivedAt}#${measurement.datasourceId}#${measurement.time}`;
  return {
    ...measurementKey(measurement.datasourceId, measurement.time),
    type: 'measurement',
    GSI1PK: receiptPartition(orgId),
    GSI1SK: receipt,
    orgId,
    datasourceId: measurement.datasourceId,
    time: measurement.time,
    metrics: measurement.metrics,
    receivedAt,
    ttl: Math.floor((Date.parse(measurement.time) + RETENTION_MS) / 1000),
  };
}

function fromItem(item: Record<string, unknown>): StoredMeasurement {
  return {
    orgId: item.orgId as string,
    datasourceId: item.datasourceId as string,
    time: item.time as string,
    metrics: item.metrics as Record<string, number>,
    receipt: item.GSI1SK as string,
  };
}

/** Minutes written at once; also the chunk whose aggregates are updated together (see putMeasurements). */
const CHUNK = 100;
/** Conditional puts in flight at once. */
const PUT_CONCURRENCY = 16;
const MAX_ATTEMPTS = 6;

const newRevision = () => randomBytes(8).toString('base64url');

/** The condition that the stored minute is still the one read (`old`), so its delta is exact. */
function unchangedSince(old: Record<string, unknown> | undefined): Pick<PutCommandInput, 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  if (!old) return { ConditionExpression: 'attribute_not_exists(PK)' };
  if (typeof old.rev === 'string') {
    return { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': old.rev } };
  }
  // Written before revisions existed: its receipt is as good a fingerprint.
  return {
    ConditionExpression: 'attribute_not_exists(#rev) AND GSI1SK = :receipt',
    ExpressionAttributeNames: { '#rev': 'rev' },
    ExpressionAttributeValues: { ':receipt': old.GSI1SK },
  };
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Writes one datasource's measurements and keeps its hourly and daily aggregates exact; the
 * caller has validated every item first (metric names are stored minute names). Items of the
 * same time collapse (the last wins), as a repeat call would overwrite them.
 *
 * A chunk of up to 100 minutes at a time: the stored minutes are read (consistently), each
 * minute is put on the condition that what is stored is still what was read (a fresh `rev`
 * each write; a concurrent writer makes the condition fail, and the minute is read and put
 * again), and then the chunk's aggregates get one `ADD` per touched hour and day of what the
 * successful puts changed (./air-quality/rollup-deltas.ts). Each put is stamped with its receipt
 * time just before it is sent. If DynamoDB keeps refusing a put, the aggregates still take what
 * was written, and this throws 503: the client's retry of the same batch is exact (resends add
 * nothing). A process that dies between a chunk's puts and its `ADD`s leaves those minutes out
 * of the aggregates (docs/architecture.md, "Rolled-up means").
 * @returns how many distinct measurements were written
 */
export async function putMeasurements(orgId: string, measurements: readonly Measurement[]): Promise<number> {
  const byTime = new Map(measurements.map((measurement) => [`${measurement.datasourceId}|${measurement.time}`, measurement]));
  const unique = [...byTime.values()];
  const table = getTableName();
  for (let start = 0; start < unique.length; start += CHUNK) {
    const chunk = unique.slice(start, start + CHUNK);
    const stored = await readStoredMinutes(chunk.map((measurement) => measurementKey(measurement.datasourceId, measurement.time)));
    const changes: { datasourceId: string; old?: MinuteValues; written: MinuteValues }[] = [];
    let failure: unknown;
    await inPool(chunk, PUT_CONCURRENCY, async (measurement) => {
      const key = measurementKey(measurement.datasourceId, measurement.time);
      let old = stored.get(`${key.PK}|${key.SK}`);
      for (let attempt = 0; ; attempt++) {
        if (attempt >= MAX_ATTEMPTS) {
          failure ??= new ServiceUnavailableError(1);
          return;
        }
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
        try {
          await ddb.send(
            new PutCommand({
              TableName: table,
              Item: { ...toItem(orgId, measurement, new Date().toISOString()), rev: newRevision() },
              ...unchangedSince(old),
            }),
          );
          changes.push({
            datasourceId: measurement.datasourceId,
            ...(old ? { old: { time: measurement.time, metrics: old.metrics as Record<string, number> } } : {}),
            written: { time: measurement.time, metrics: measurement.metrics },
          });
          return;
        } catch (error) {
          if (!isConditionFailure(error)) {
            if (!isRetryable(error)) {
              // Recorded, not thrown: the chunk's aggregates must still take what was written.
              failure ??= translateDynamoError(error);
              return;
            }
            continue;
          }
          // Another writer got there first: replace what it wrote instead.
          old = (await readStoredMinutes([key])).get(`${key.PK}|${key.SK}`);
        }
      }
    });
    const byDatasource = new Map<string, typeof changes>();
    for (const change of changes) byDatasource.set(change.datasourceId, [...(byDatasource.get(change.datasourceId) ?? []), change]);
    for (const [datasourceId, datasourceChanges] of byDatasource) {
      await addRollupDeltas(orgId, datasourceId, rollupDeltas(datasourceChanges));
    }
    if (failure !== undefined) throw failure;
  }
  return unique.length;
}

/** Throttling and transient service errors, which a retry may get past. */
function isRetryable(error: unknown): boolean {
  const name = (error as { name?: string }).name ?? '';
  return /Throttl|ProvisionedThroughputExceeded|RequestLimitExceeded|InternalServerError|ServiceUnavailable/.test(name);
}

/** Runs a Query page after page, up to `limit` items (each page is at most 1 MB); `Infinity` reads all. */
async function queryUpTo(input: Omit<QueryCommandInput, 'TableName'>, limit: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        ...input,
        TableName: getTableName(),
        Limit: Number.isFinite(limit) ? limit - items.length : undefined,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < limit);
  return items;
}

/**
 * One datasource's measurements with `from <= time <= to`, newest first, at most `limit`:
 * one Query on its partition.
 */
export async function readMeasurements(
  datasourceId: string,
  from: string,
  to: string,
  limit: number,
): Promise<StoredMeasurement[]> {
  const items = await queryUpTo(
    {
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': `MEAS#${datasourceId}`, ':from': from, ':to': to },
      ScanIndexForward: false,
    },
    limit,
  );
  return items.map(fromItem);
}

/**
 * The org's measurements received after receipt position `after` and at or before `upTo`, in
 * receipt order, at most `limit`: one Query on GSI1. With `datasourceIds`, other datasources'
 * receipts of the same interval are filtered out by DynamoDB (read, not returned).
 */
export async function readReceipts(
  orgId: string,
  after: string,
  upTo: string,
  limit: number,
  datasourceIds?: readonly string[],
): Promise<StoredMeasurement[]> {
  if (after >= upTo) return [];
  const filter = datasourceIds && {
    FilterExpression: `datasourceId IN (${datasourceIds.map((_id, index) => `:ds${index}`).join(', ')})`,
    values: Object.fromEntries(datasourceIds.map((id, index) => [`:ds${index}`, id])),
  };
  // BETWEEN is inclusive: `after` itself was delivered already, so one more item is read and dropped.
  const items = await queryUpTo(
    {
      IndexName: GSI1,
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK BETWEEN :after AND :upTo',
      ...(filter ? { FilterExpression: filter.FilterExpression } : {}),
      ExpressionAttributeValues: { ':pk': receiptPartition(orgId), ':after': after, ':upTo': upTo, ...filter?.values },
    },
    limit + 1,
  );
  return items
    .map(fromItem)
    .filter((measurement) => measurement.receipt !== after)
    .slice(0, limit);
}
