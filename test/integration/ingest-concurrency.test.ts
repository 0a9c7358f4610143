import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/core/store/table';
import { getTableName } from '../../functions/core/platform/config';
import { localClient } from '../../lib/local/dynamodb-local';
import { useTestApi } from '../support/local-api';
import { dataOrg, minutesAgo, type DataOrg } from '../support/data-api';
import { expectStatus } from '../support/scenario';
import { brokenInvariants } from '../support/table-invariants';

/**
 * Ingests that arrive together: simultaneous ingests to one datasource are all accepted, none
 * waits on another (no lease wait, no 503 from Datagate itself), and the hourly and daily
 * aggregates equal what the stored minutes give afterwards, overwrites racing included. An ingest
 * that cannot finish in time answers 503 with `Retry-After`, and sending it again is harmless.
 * Timings are the bench's (`ingest.concurrent10VsOne`), never asserted here.
 */

const api = useTestApi();
let org: DataOrg;
let reader: DynamoDBDocumentClient;

beforeAll(async () => {
  org = await dataOrg(api, 2);
  reader = DynamoDBDocumentClient.from(localClient(process.env.DYNAMODB_ENDPOINT!));
});
afterAll(() => reader?.destroy());

/** Every item of a datasource's measurements and aggregates (its lease included), read consistently. */
async function itemsOf(datasourceId: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for (const partition of [`MEAS#${datasourceId}`, `AGG#${datasourceId}`]) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await reader.send(
        new QueryCommand({
          TableName: getTableName(),
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return items;
}

/**
 * One ingest as a gateway sends it: a 503 (the ingest's deadline, on a machine too busy for it)
 * must carry `Retry-After`, and is sent again after it, as the contract asks of clients; the
 * bench, not this test, measures that none waits on another.
 */
async function ingestCall(datasourceId: string, measurements: unknown[]) {
  for (let attempt = 1; ; attempt++) {
    const answer = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
      key: org.keys.technician,
      body: { org: org.orgId, measurements },
    });
    if (answer.status !== 503 || attempt === 5) return answer;
    const retryAfter = Number(answer.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

/** 30 readings a minute apart, ending `endMinutesAgo` ago, with values that differ per sender. */
const batch = (sender: number, endMinutesAgo: number, now: number) =>
  Array.from({ length: 30 }, (_, index) => ({
    time: minutesAgo(endMinutesAgo + index, now),
    metrics: {
      pm2_5ConcMassIndividual: sender * 100 + index,
      no2ConcIndividual: { raw: -sender, value: sender + index / 10 },
      ...(sender % 3 === 0
        ? { pm10ConcMassIndividual: { raw: 5, value: null } }
        : { temperatureInternalIndividual: 20 + sender }),
    },
  }));

describe('simultaneous ingests to one datasource', () => {
  it('ten at once are all accepted, and the aggregates equal the minutes, overwrites of the same times racing included', async () => {
    const datasourceId = org.datasources[0]!;
    const now = Date.now();
    // Round 0: ten senders, each its own 30 minutes, 35 minutes apart (no two share a minute: each
    // keeps the aggregates by deltas, holder or writer); round 1: 25 minutes apart, so neighbours
    // share 5 minutes (those writers write only and their periods are recounted); rounds 2 and 3:
    // all ten overwrite the same 30 minutes at once (and the minutes of rounds 0 and 1 they cover).
    const endOf = (round: number, sender: number) => [400 + sender * 35, 1 + sender * 25, 40, 40][round]!;
    for (const round of [0, 1, 2, 3]) {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, sender) =>
          ingestCall(datasourceId, batch(sender + round * 10, endOf(round, sender), now)),
        ),
      );
      for (const answer of answers) expectStatus(answer, 202);
      const items = await itemsOf(datasourceId);
      expect({ round, broken: brokenInvariants(items) }).toEqual({ round, broken: [] });
      const lease = items.find((item) => item.SK === 'LEASE');
      // Every ingest finished and was settled: nothing left pending, no writer, the lease free.
      expect({ round, pending: lease?.pending, writers: lease?.writers, owner: lease?.leaseOwner }).toEqual({ round });
      const hourly = items.filter((item) => String(item.SK).startsWith('H#'));
      expect(hourly.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it('through the API: the hour and day means are those of the stored values', async () => {
    const datasourceId = org.datasources[1]!;
    const now = Date.now();
    const answers = await Promise.all(
      // Half share their 30 minutes, half have their own.
      Array.from({ length: 10 }, (_, sender) => ingestCall(datasourceId, batch(sender, sender < 5 ? 10 : 10 + sender * 35, now))),
    );
    for (const answer of answers) expectStatus(answer, 202);
    const read = async (outputFrequency: string) =>
      (
        await api.call('POST', '/v2/recent-datasource-measurements-query', {
          key: org.keys.analyst,
          body: { org: org.orgId, datasourceIds: [datasourceId], outputFrequency, metricSelect: 'all' },
        })
      ).body.data as { time: string; metric: string; value: number | null }[];
    const minutes = await read('minute');
    const values = (metric: string, from: number, to: number) =>
      minutes
        .filter(
          (entry) =>
            entry.metric === metric && Date.parse(entry.time) >= from && Date.parse(entry.time) < to && entry.value !== null,
        )
        .map((entry) => entry.value!);
    const hours = await read('hour');
    for (const hour of hours.filter((entry) => entry.metric === 'pm2_5ConcMass1HourMean')) {
      const start = Date.parse(hour.time);
      const own = values('pm2_5ConcMassIndividual', start, start + 3_600_000);
      expect(hour.value).toBeCloseTo(own.reduce((total, value) => total + value, 0) / own.length, 9);
    }
    expect(hours.some((entry) => entry.metric === 'no2Conc1HourMean')).toBe(true);
    const days = await read('day');
    const dayMeans = days.filter((entry) => entry.metric === 'pm2_5ConcMass24HourMean');
    expect(dayMeans.length).toBeGreaterThan(0);
    for (const day of dayMeans) {
      const start = Date.parse(day.time);
      const own = values('pm2_5ConcMassIndividual', start, start + 86_400_000);
      expect(day.value).toBeCloseTo(own.reduce((total, value) => total + value, 0) / own.length, 9);
    }
  }, 120_000);
});

describe('an ingest that cannot finish in time', () => {
  it('answers 503 with Retry-After, and the same ingest sent again is harmless', async () => {
    const fresh = await dataOrg(api, 1);
    const datasourceId = fresh.datasources[0]!;
    const measurements = batch(7, 3, Date.now());
    // DynamoDB as a machine under load answers it: every write of the minutes takes 9 s, beyond the ingest's deadline.
    const client = documentClient();
    const slow = 'slowBatchWrites';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/BatchWrite/.test(String(context.commandName))) await new Promise((resolve) => setTimeout(resolve, 9_000));
        return next(args);
      },
      { step: 'initialize', name: slow },
    );
    let answer;
    try {
      answer = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
        key: fresh.keys.technician,
        body: { org: fresh.orgId, measurements },
      });
    } finally {
      client.middlewareStack.remove(slow);
    }
    expect(answer.status).toBe(503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(answer.body).toMatchObject({ code: 'unavailable', message: expect.any(String) });
    // The slowed writes land later (a timed-out ingest is not undone); the retry finds them or not.
    await new Promise((resolve) => setTimeout(resolve, 9_500));
    const retry = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
      key: fresh.keys.technician,
      body: { org: fresh.orgId, measurements },
    });
    expectStatus(retry, 202);
    const items = await itemsOf(datasourceId);
    expect(items.filter((item) => String(item.PK).startsWith('MEAS#'))).toHaveLength(30);
    expect(brokenInvariants(items)).toEqual([]);
    expect(items.find((item) => item.SK === 'LEASE')?.pending).toBeUndefined();
  }, 60_000);
});
