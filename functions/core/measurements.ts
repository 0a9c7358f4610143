import { BatchWriteCommand, QueryCommand, type BatchWriteCommandOutput, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import { ServiceUnavailableError } from './errors';
import { GSI1, type StoredItem } from './table';
import { registerOrgForArchive } from './archive/archive-state';

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

const BATCH_WRITE_LIMIT = 25;
const MAX_ATTEMPTS = 6;

/**
 * Writes one datasource's measurements; the caller has validated every item first, so nothing
 * invalid is ever written. Items of the same time collapse (the last wins), as a repeat call
 * would overwrite them. BatchWriteItem is not atomic: if DynamoDB keeps refusing a chunk this
 * throws 503, and the client's retry of the same batch overwrites what was written (idempotent).
 * Each chunk is stamped with its receipt time just before it is sent, so a continuation's settle
 * lag only has to cover one request's latency.
 * @returns how many distinct measurements were written
 */
export async function putMeasurements(orgId: string, measurements: readonly Measurement[]): Promise<number> {
  // Before any write: a measurement never exists in an org the archiver does not visit.
  await registerOrgForArchive(orgId);
  const byTime = new Map(measurements.map((measurement) => [`${measurement.datasourceId}|${measurement.time}`, measurement]));
  const unique = [...byTime.values()];
  const table = getTableName();
  for (let start = 0; start < unique.length; start += BATCH_WRITE_LIMIT) {
    let pending = unique.slice(start, start + BATCH_WRITE_LIMIT);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= MAX_ATTEMPTS) throw new ServiceUnavailableError(1);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 25));
      const receivedAt = new Date().toISOString();
      const result: BatchWriteCommandOutput = await ddb.send(
        new BatchWriteCommand({
          RequestItems: {
            [table]: pending.map((measurement) => ({ PutRequest: { Item: toItem(orgId, measurement, receivedAt) } })),
          },
        }),
      );
      const unprocessed = new Set(
        (result.UnprocessedItems?.[table] ?? []).map(
          (request) => `${request.PutRequest?.Item?.PK}|${request.PutRequest?.Item?.SK}`,
        ),
      );
      pending = pending.filter((measurement) => {
        const key = measurementKey(measurement.datasourceId, measurement.time);
        return unprocessed.has(`${key.PK}|${key.SK}`);
      });
    }
  }
  return unique.length;
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
