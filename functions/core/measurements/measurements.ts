import {
  GSI1,
  batchGetAll,
  batchPutEach,
  eachInParallel,
  nativeOf,
  queryAll,
  queryAttributeValues,
  unmarshallItem,
  type AttributeValues,
  type StoredItem,
} from '../store/table';
import { addRollupDeltas, ingestInTurn, readRollups, setRollupTotals } from './measurement-rollups';
import { PERIOD_MS, periodsOf, rollupDeltas, type Period } from '../air-quality/rollup-deltas';
import { RETENTION_MS, type Measurement } from './measurement-windows';
import { registerOrgForArchive } from './archive-state';
import type { StoredReading } from '../air-quality/readings';
import type { PeriodTotals, Totals } from '../air-quality/derived-metrics';
import { ServiceUnavailableError } from '../platform/errors';
import { INGEST_RETRY_AFTER_SECONDS } from '../platform/limits';
import { getIngestDeadlineMs } from '../platform/config';

/**
 * Measurements: one item per datasource and time.
 * Key: PK `MEAS#<datasourceId>`, SK `<ISO time>` (so one datasource's recent minutes are one
 * Query, newest first, and the same time sent again overwrites). GSI1: `RCV#<orgId>` /
 * `<receivedAt>#<datasourceId>#<time>`, the org's receipts in ingest order, which continuations read.
 */

export type { Measurement } from './measurement-windows';

/** A measurement as a datasource's window reads it (`readMeasurements`). */
export interface ReceivedMeasurement extends Measurement {
  /** Position in the org's receipt order (GSI1SK): `<receivedAt>#<datasourceId>#<time>`. */
  receipt: string;
}

export interface StoredMeasurement extends ReceivedMeasurement {
  orgId: string;
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
    metrics: item.metrics as Record<string, StoredReading>,
    receipt: item.GSI1SK as string,
  };
}

/**
 * The attributes a datasource's window reads of each measurement item (`readMeasurements`): what
 * it answers, without the keys, the datasource and org ids (the partition says them), the TTL and
 * the receipt time. About 55 % of an item's bytes: DynamoDB sends, and this process decodes,
 * parses and walks, only those (docs/performance.md).
 */
export const WINDOW_ATTRIBUTES = ['time', 'metrics', 'GSI1SK'] as const;

/**
 * A measurement of `datasourceId` from its `WINDOW_ATTRIBUTES` as DynamoDB sends them, in one
 * pass (the read of an answer's minutes, the query's hot path: docs/performance.md): the same
 * values the document client's unmarshall gives (`nativeOf`), without its walks over every
 * attribute. An item not of the shape `toItem` writes is unmarshalled whole.
 */
function fromAttributeValues(datasourceId: string, item: AttributeValues): ReceivedMeasurement {
  const { time, metrics, GSI1SK } = item;
  if (time?.S === undefined || metrics?.M === undefined) {
    const native = unmarshallItem(item);
    return {
      datasourceId,
      time: native.time as string,
      metrics: native.metrics as Record<string, StoredReading>,
      receipt: native.GSI1SK as string,
    };
  }
  const readings: Record<string, StoredReading> = {};
  const stored = metrics.M;
  for (const name in stored) readings[name] = nativeOf(stored[name]!) as StoredReading;
  return { datasourceId, time: time.S, metrics: readings, receipt: GSI1SK?.S as string };
}

/** Periods recounted at once (a Query of up to 60 minutes, or of 24 hours, and a PutItem each). */
const RECOUNTS_IN_FLIGHT = 8;
/** BatchWriteItem calls in flight at once while ingesting. */
const WRITE_CONCURRENCY = 4;
/** Datasources written at once when one call holds several (bulk loads; an ingest call holds one). */
const DATASOURCE_CONCURRENCY = 8;

/**
 * Writes measurements and keeps each datasource's hourly and daily aggregates exact; the caller
 * has validated every item first (metric names are stored minute names). Items of the same time
 * collapse (the last wins), as a repeat call would overwrite them.
 *
 * Per datasource, under its ingest lease (./measurement-rollups.ts): the stored minutes are read
 * (consistently), the new ones written with BatchWriteItem (each chunk stamped with its receipt
 * time just before it is sent, so a continuation's settle lag only has to cover one request's
 * latency), and the aggregates get one `ADD` per touched hour and day of what the written minutes
 * changed (new minus the value each replaced: ./air-quality/rollup-deltas.ts). BatchWriteItem is
 * not atomic: if DynamoDB keeps refusing a chunk, the aggregates still take exactly what was
 * written and this throws 503; the client's retry of the same batch is exact (a resend of the
 * same values adds nothing). Simultaneous ingests of a datasource never wait on each other: one
 * holds the lease, the others write beside it, with deltas when no other unfinished ingest may
 * write the same minutes, else the minutes only, their periods recounted from the stored minutes
 * by the last one out; so are the periods of an `ADD` that was uncertain and of an ingest that
 * failed (`ingestInTurn`; docs/architecture.md, "Rolled-up means"). An ingest not finished after
 * its deadline (`getIngestDeadlineMs`) answers 503 with `Retry-After`; its writes go on, and a
 * resend is exact.
 * @returns how many distinct measurements were written
 */
export async function putMeasurements(orgId: string, measurements: readonly Measurement[]): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ServiceUnavailableError(INGEST_RETRY_AFTER_SECONDS)), getIngestDeadlineMs());
  });
  const work = writeMeasurements(orgId, measurements);
  // The work goes on after a 503 (nothing is undone); it never rejects unheard.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function writeMeasurements(orgId: string, measurements: readonly Measurement[]): Promise<number> {
  // Before any write: a measurement never exists in an org the archiver does not visit.
  await registerOrgForArchive(orgId);
  const byTime = new Map(measurements.map((measurement) => [`${measurement.datasourceId}|${measurement.time}`, measurement]));
  const unique = [...byTime.values()];
  const byDatasource = new Map<string, Measurement[]>();
  for (const measurement of unique) {
    byDatasource.set(measurement.datasourceId, [...(byDatasource.get(measurement.datasourceId) ?? []), measurement]);
  }
  const entries = [...byDatasource];
  let next = 0;
  const writeNext = async (): Promise<void> => {
    while (next < entries.length) {
      const [datasourceId, minutes] = entries[next++]!;
      await writeDatasource(datasourceId, minutes);
    }
  };
  const writeDatasource = (datasourceId: string, minutes: Measurement[]) => {
    const toStored = (minute: Measurement, sentAt: string) => toItem(orgId, minute, sentAt);
    const times = minutes.map((minute) => minute.time).sort();
    const span = { from: times[0]!, to: times.at(-1)! };
    return ingestInTurn(orgId, datasourceId, periodsOf(times), span, {
      async write(ingestId) {
        if (ingestId === undefined) {
          const { failure } = await batchPutEach(minutes, toStored, { concurrency: WRITE_CONCURRENCY });
          // eslint-disable-next-line @typescript-eslint/only-throw-error
          if (failure !== undefined) throw failure;
          return [];
        }
        const keyOf = (minute: Measurement) => measurementKey(datasourceId, minute.time);
        const stored = new Map(
          (await batchGetAll(minutes.map(keyOf), { consistent: true, concurrency: WRITE_CONCURRENCY })).map((item) => [
            item.SK as string,
            item,
          ]),
        );
        const { written, failure } = await batchPutEach(minutes, toStored, { concurrency: WRITE_CONCURRENCY });
        const changes = written.map((minute) => {
          const old = stored.get(minute.time);
          return {
            ...(old ? { old: { time: minute.time, metrics: old.metrics as Record<string, StoredReading> } } : {}),
            written: { time: minute.time, metrics: minute.metrics },
          };
        });
        // All written: the lease's holder or writer adds the deltas (with its next step on the lease).
        if (failure === undefined) return rollupDeltas(changes);
        // Some refused: what was written is added now, then the refusal (the SDK's error or the
        // contract's 503) goes on, unchanged; the ingest lists its periods for a recount as it leaves.
        await addRollupDeltas(orgId, datasourceId, rollupDeltas(changes), ingestId);
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        throw failure;
      },
      recount: (periods) => recountRollups(orgId, datasourceId, periods),
    });
  };
  await Promise.all(Array.from({ length: Math.min(DATASOURCE_CONCURRENCY, entries.length) }, writeNext));
  return unique.length;
}

/**
 * Sets each period's aggregates to what its stored minutes give: the periods ingests of the
 * datasource left unsure (minutes written beside another ingest's, an uncertain `ADD`, a failure
 * between the minute writes and the `ADD`s; see `ingestInTurn`). One Query per hour (60 minutes)
 * and one per day (its 24 hours).
 */
async function recountRollups(orgId: string, datasourceId: string, periods: readonly Period[]): Promise<void> {
  // Hours from their minutes first (60 at most each), then each day as the sum of its 24 hours
  // rather than of its 1,440 minutes: the hours of a day that may be short are pending with it
  // (an ingest puts the hour and the day of every minute it writes in `pending`), so they are in
  // `periods` and exact by then, and the others were exact already.
  await eachInParallel(
    periods.filter((period) => period.kind === 'hour'),
    RECOUNTS_IN_FLIGHT,
    async (period) => {
      const from = new Date(period.start).toISOString();
      const to = new Date(period.start + PERIOD_MS.hour - 1).toISOString();
      const minutes = await readMeasurements(datasourceId, from, to, Infinity, { consistent: true });
      const counted = rollupDeltas(minutes.map(({ time, metrics }) => ({ written: { time, metrics } }))).find(
        ({ kind, start }) => kind === 'hour' && start === period.start,
      );
      await setRollupTotals(orgId, datasourceId, period, counted?.deltas ?? {});
    },
  );
  await eachInParallel(
    periods.filter((period) => period.kind === 'day'),
    RECOUNTS_IN_FLIGHT,
    async (period) => {
      const hours = await readRollups(datasourceId, 'hour', period.start, period.start + PERIOD_MS.day - PERIOD_MS.hour, {
        consistent: true,
      });
      await setRollupTotals(orgId, datasourceId, period, sumOfTotals(hours));
    },
  );
}

/** Per metric, the sum of periods' totals (a day's from its hours). */
function sumOfTotals(periods: readonly PeriodTotals[]): Record<string, Totals> {
  const sums: Record<string, Totals> = {};
  for (const { totals } of periods) {
    for (const [base, { sum, count, nulls }] of Object.entries(totals)) {
      const total = (sums[base] ??= { sum: 0, count: 0 });
      total.sum += sum;
      total.count += count;
      if (nulls) total.nulls = (total.nulls ?? 0) + nulls;
    }
  }
  return sums;
}

/**
 * One datasource's measurements with `from <= time <= to`, newest first, at most `limit`:
 * one Query on its partition, reading only the attributes a window answers (`WINDOW_ATTRIBUTES`).
 */
export async function readMeasurements(
  datasourceId: string,
  from: string,
  to: string,
  limit: number,
  { consistent = false }: { consistent?: boolean } = {},
): Promise<ReceivedMeasurement[]> {
  // An empty window (a `startTime` in the future): DynamoDB refuses a BETWEEN with its bounds
  // reversed (a ValidationException, which was a 500), and there is nothing to read anyway.
  if (from > to) return [];
  const items = await queryAttributeValues(
    { partition: `MEAS#${datasourceId}`, between: [from, to], newestFirst: true, consistent, attributes: WINDOW_ATTRIBUTES },
    limit,
  );
  return items.map((item) => fromAttributeValues(datasourceId, item));
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
