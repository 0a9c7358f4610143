import { GSI1, batchPutAll, queryAll, type StoredItem } from './table';
import { RETENTION_MS, type Measurement } from './measurement-windows';

/**
 * Measurements: one item per datasource and time.
 * Key: PK `MEAS#<datasourceId>`, SK `<ISO time>` (so one datasource's recent minutes are one
 * Query, newest first, and the same time sent again overwrites). GSI1: `RCV#<orgId>` /
 * `<receivedAt>#<datasourceId>#<time>`, the org's receipts in ingest order, which continuations read.
 */

export type { Measurement } from './measurement-windows';

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

/**
 * Writes one datasource's measurements; the caller has validated every item first, so nothing
 * invalid is ever written. Items of the same time collapse (the last wins), as a repeat call
 * would overwrite them. The batch write is not atomic: if DynamoDB keeps refusing a chunk this
 * throws 503, and the client's retry of the same batch overwrites what was written (idempotent).
 * Each chunk is stamped with its receipt time just before it is sent, so a continuation's settle
 * lag only has to cover one request's latency.
 * @returns how many distinct measurements were written
 */
export async function putMeasurements(orgId: string, measurements: readonly Measurement[]): Promise<number> {
  const byTime = new Map(measurements.map((measurement) => [`${measurement.datasourceId}|${measurement.time}`, measurement]));
  const unique = [...byTime.values()];
  await batchPutAll(unique, (measurement, sentAt) => toItem(orgId, measurement, sentAt));
  return unique.length;
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
  const items = await queryAll({ partition: `MEAS#${datasourceId}`, between: [from, to], newestFirst: true }, limit);
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
    expression: `datasourceId IN (${datasourceIds.map((_id, index) => `:ds${index}`).join(', ')})`,
    values: Object.fromEntries(datasourceIds.map((id, index) => [`:ds${index}`, id])),
  };
  // BETWEEN is inclusive: `after` itself was delivered already, so one more item is read and dropped.
  const items = await queryAll(
    { index: GSI1, partition: receiptPartition(orgId), between: [after, upTo], ...(filter ? { filter } : {}) },
    limit + 1,
  );
  return items
    .map(fromItem)
    .filter((measurement) => measurement.receipt !== after)
    .slice(0, limit);
}
