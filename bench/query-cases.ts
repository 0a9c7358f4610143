import { gzipSync } from 'node:zlib';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { createOrg } from '../functions/core/orgs/orgs';
import { createDatasource } from '../functions/core/datasources/datasources';
import { WINDOW_ATTRIBUTES, putMeasurements, type Measurement } from '../functions/core/measurements/measurements';
import type { RecentQuery } from '../functions/core/measurements/recent-measurements';
import { planRecentAnswer } from '../functions/core/measurements/recent-window';
import { recentAnswerChunks } from '../functions/core/clarity/recent-answer';
import { projectionOf } from '../functions/core/store/table';
import type { Actor } from '../functions/core/orgs/audit';
import { mediansInterleaved, progress, timeMillis } from './sampling';
import { capacityUsedBy, requestsMadeBy } from './request-counter';
import type { BenchSettings, Figures } from './cases';

/**
 * `query.*`: the 24-hour minute query of one datasource, `planRecentAnswer` and its rows called as
 * `POST /v2/recent-datasource-measurements-query` calls it once the grant is checked (the
 * handler's remaining work, the grant from the authorizer's snapshot and the rendering, depends
 * only on the answer, which is the same for every datasource timed). In process, against
 * DynamoDB Local, at a fixed clock so that every sample reads exactly the same day.
 *
 * Three datasources of the same table, each with the same day of minutes, sampled in turn:
 * - `history`, alone in its org, also holds the 29 days before (older than the window and than
 *   the 10-day TTL, which DynamoDB Local never applies: expired items DynamoDB has not deleted yet);
 * - `day`, alone in its org, holds the day only;
 * - `crowded` shares its org with 200 other datasources, each holding the last hours of minutes
 *   at the same times (so the org's datasource list and receipt index are 200 times larger).
 * `query.history30dVs1d` is history / day, `query.othersVsAlone` is crowded / day.
 */

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
/** A minute query's window is 24 hours, both ends included: 1,441 minutes. */
const WINDOW_ROWS = DAY_MINUTES + 1;
/**
 * Batches of 500 (what one ingest accepts) written one after the other while seeding: ingests of a
 * datasource take turns under its lease anyway, and `putMeasurements` already writes several
 * chunks (and datasources) at once.
 */
const SEED_STREAMS = 1;
const SEED_BATCH = 500;
const ACTOR: Actor = { type: 'person', id: 'bench@example.org' };

/** A typical node's minute: five metrics (about 410 B stored with keys, ids, receipt and TTL: `query.readUnitsPerQuery`). */
const metricsAt = (minute: number) => ({
  pm1ConcMassIndividual: 3 + (minute % 11),
  pm2_5ConcMassIndividual: 5 + (minute % 17),
  pm10ConcMassIndividual: 9 + (minute % 23),
  temperatureInternalIndividual: 12.5 + (minute % 60) / 10,
  relHumidInternalIndividual: 40 + (minute % 30),
});

/** `count` minutes of one datasource, the newest at `now`, one a minute before it. */
function minutesOf(datasourceId: string, now: number, count: number): Measurement[] {
  return Array.from({ length: count }, (_, minute) => ({
    datasourceId,
    time: new Date(now - minute * MINUTE_MS).toISOString(),
    metrics: metricsAt(minute),
  }));
}

/**
 * Writes measurements with the domain's own writer (the items and keys the ingest handler
 * writes), several batches at once. `putMeasurements` checks no time: the ingest schema's
 * 10-day limit is what keeps old history out of the API, not the writer.
 */
async function seed(orgId: string, measurements: readonly Measurement[], label: string): Promise<void> {
  const batches: Measurement[][] = [];
  for (let start = 0; start < measurements.length; start += SEED_BATCH)
    batches.push(measurements.slice(start, start + SEED_BATCH));
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: SEED_STREAMS }, async () => {
      while (next < batches.length) {
        await putMeasurements(orgId, batches[next++]!);
        progress(label, ++done, batches.length);
      }
    }),
  );
}

/** A new org with `count` datasources, written by the domain code. */
async function orgWithDatasources(name: string, count: number): Promise<{ orgId: string; datasourceIds: string[] }> {
  const { orgId } = await createOrg(name, ACTOR.id);
  const datasourceIds: string[] = [];
  for (let i = 0; i < count; i++)
    datasourceIds.push(
      (await createDatasource(orgId, { name: `${name} ${i}`, sourceType: 'bench', tags: [] }, ACTOR)).datasourceId,
    );
  return { orgId, datasourceIds };
}

/** The query a client sends for one datasource's last 24 hours of minutes, as the handler normalises it. */
const dayQuery = (datasourceId: string): RecentQuery => ({
  allDatasources: false,
  datasourceIds: [datasourceId],
  outputFrequency: 'minute',
  format: 'json-long',
});

/** The rows of a day query of one datasource: its plan (the datasource, then its minutes, read whole at once), then its slices. */
async function dayOfMinutes(orgId: string, datasourceId: string, now: number): Promise<{ rows: unknown[] }> {
  const plan = await planRecentAnswer(orgId, 'all', dayQuery(datasourceId), { now });
  const rows: unknown[] = [];
  for await (const slice of plan.slices()) rows.push(...slice);
  return { rows };
}

/**
 * The json-long answer the handler streams for a day of one datasource, as the bytes the route
 * writes: each chunk made into bytes as it comes, as the route's body stream does
 * (`streamedBody`, ../functions/core/http/streaming.ts).
 */
async function renderedAnswer(orgId: string, datasourceId: string, now: number): Promise<Buffer[]> {
  const query = dayQuery(datasourceId);
  const plan = await planRecentAnswer(orgId, 'all', query, { now });
  const bytes: Buffer[] = [];
  for await (const chunk of recentAnswerChunks(plan, query, { org: orgId, ...query, replyWithContinuationToken: false }))
    bytes.push(Buffer.from(chunk));
  return bytes;
}

/**
 * The floor of a day answer's CPU, as a function to time: the same items as DynamoDB sends them
 * (the Query's JSON, read once beforehand, kept as the bytes a response body is), decoded and
 * parsed, unmarshalled, made into rows, and the json-long answer serialized with JSON.stringify
 * into the bytes an answer is sent as, in this process: what any implementation pays, without the
 * SDK's request and the path's own work.
 *
 * Bytes at both ends, because the path is timed from bytes to bytes and no implementation can
 * skip either end: a response body arrives as UTF-8 bytes that must be decoded before JSON.parse
 * can read them (the SDK's JSON.parse of the body Buffer does it: `utf8Slice` in a profile of the
 * path), and an answer leaves as bytes (`renderedAnswer` makes its text into the bytes the route
 * writes). This floor used to parse the JSON from a JS string and stop at JSON.stringify's string,
 * so it did less than the path must do and counted both conversions as the path's waste: on the
 * bench machine, decoding the day's 0.9 MB took about as long as JSON.parse of the decoded text,
 * and encoding the 1.1 MB answer as long again (microbenchmark of the same sizes, 300 runs).
 *
 * The same attributes as the path's own Query (`WINDOW_ATTRIBUTES`: `time`, `metrics`, the
 * receipt; about half an item's bytes): any implementation can ask DynamoDB for only what an
 * answer needs, so the floor does too. Fed whole items, it would count the path's projection as
 * its own saving and put the ratio under 1 (0.80 to 0.84 in the runs of docs/performance.md,
 * against 1.10 with the same attributes on both sides).
 */
async function floorOfAnswer(orgId: string, datasourceId: string, now: number): Promise<() => Buffer> {
  const client = new DynamoDBClient({
    endpoint: process.env.DYNAMODB_ENDPOINT,
    region: process.env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const wire: Buffer[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: process.env.TABLE_NAME,
        KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': { S: `MEAS#${datasourceId}` },
          ':from': { S: new Date(now - DAY_MINUTES * MINUTE_MS).toISOString() },
          ':to': { S: new Date(now + 5 * MINUTE_MS).toISOString() },
        },
        ScanIndexForward: false,
        ...projectionOf(WINDOW_ATTRIBUTES),
        ...(startKey ? { ExclusiveStartKey: startKey as never } : {}),
      }),
    );
    wire.push(Buffer.from(JSON.stringify({ Items: page.Items, Count: page.Count })));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  client.destroy();
  const query = dayQuery(datasourceId);
  return () => {
    const data: unknown[] = [];
    for (const page of wire) {
      for (const raw of (JSON.parse(page.toString('utf8')) as { Items: Record<string, never>[] }).Items) {
        const item = unmarshall(raw);
        const metrics = item.metrics as Record<string, number>;
        for (const metric of Object.keys(metrics).sort())
          data.push({
            datasourceId,
            time: item.time as string,
            metric,
            value: metrics[metric],
            raw: metrics[metric],
            status: 'sensor-ready',
          });
      }
    }
    return Buffer.from(JSON.stringify({ request: { org: orgId, ...query }, data, locations: [] }));
  };
}

/**
 * Milliseconds of this process's CPU (all its threads, user and system) that `run` takes: for an
 * answer, what a Lambda's memory size, which sets its share of a vCPU, has to pay for.
 */
async function cpuMillisOf(run: () => unknown): Promise<number> {
  const started = process.cpuUsage();
  await run();
  const used = process.cpuUsage(started);
  return (used.user + used.system) / 1000;
}

/** Milliseconds of one day query; throws unless it answered the whole day, so a sample never times a short answer. */
async function timeDayQuery(orgId: string, datasourceId: string, now: number): Promise<number> {
  let rows = 0;
  const millis = await timeMillis(async () => {
    rows = (await dayOfMinutes(orgId, datasourceId, now)).rows.length;
  });
  if (rows !== WINDOW_ROWS) throw new Error(`a day query of ${datasourceId} answered ${rows} rows, not ${WINDOW_ROWS}`);
  return millis;
}

export async function queryCases(settings: BenchSettings): Promise<Figures> {
  const now = Date.now();
  const historyOrg = await orgWithDatasources('History', 1);
  const [history] = historyOrg.datasourceIds as [string];
  const historyMinutes = settings.historyDays * DAY_MINUTES + 1;
  await seed(historyOrg.orgId, minutesOf(history, now, historyMinutes), `query: ${settings.historyDays} days of history`);

  const dayOrg = await orgWithDatasources('Day', 1);
  const [day] = dayOrg.datasourceIds as [string];
  await seed(dayOrg.orgId, minutesOf(day, now, WINDOW_ROWS), 'query: a day alone');

  progress('query: writing other datasources', 0, 1);
  const crowdedOrg = await orgWithDatasources('Crowded', settings.otherDatasources + 1);
  progress('query: writing other datasources', 1, 1);
  const [crowded, ...others] = crowdedOrg.datasourceIds as [string, ...string[]];
  await seed(crowdedOrg.orgId, minutesOf(crowded, now, WINDOW_ROWS), 'query: a day among others');
  // Minute by minute across the others, as devices report, so every recent time is in many partitions.
  const otherData = Array.from({ length: settings.otherHours * 60 }, (_, minute) =>
    others.map((datasourceId) => ({
      datasourceId,
      time: new Date(now - minute * MINUTE_MS).toISOString(),
      metrics: metricsAt(minute),
    })),
  ).flat();
  await seed(crowdedOrg.orgId, otherData, `query: ${others.length} others x ${settings.otherHours} h`);

  const timed = { history: [historyOrg.orgId, history], day: [dayOrg.orgId, day], crowded: [crowdedOrg.orgId, crowded] } as const;
  // Warm-up: module code, the client's connections and the JIT, on every datasource that is timed.
  for (const [orgId, datasourceId] of Object.values(timed))
    for (let i = 0; i < 3; i++) await timeDayQuery(orgId, datasourceId, now);

  const callsPerQuery = await requestsMadeBy(() => dayOfMinutes(historyOrg.orgId, history, now));
  const capacity = await capacityUsedBy(() => dayOfMinutes(historyOrg.orgId, history, now));
  const answer = Buffer.concat(await renderedAnswer(historyOrg.orgId, history, now));
  // The answer's CPU and its floor's, interleaved like every other ratio of the bench (a random
  // order per round), so that a change of the machine's load weighs on both: 60 rounds in a full run.
  const floor = await floorOfAnswer(historyOrg.orgId, history, now);
  const cpu = await mediansInterleaved('query: answer CPU and its floor', 3 * settings.countSamples, {
    answer: () => cpuMillisOf(() => renderedAnswer(historyOrg.orgId, history, now)),
    floor: () => cpuMillisOf(floor),
  });

  const medians = await mediansInterleaved('query: history, day, crowded', settings.samples, {
    history: () => timeDayQuery(...timed.history, now),
    day: () => timeDayQuery(...timed.day, now),
    crowded: () => timeDayQuery(...timed.crowded, now),
  });

  return {
    'query.history30dVs1d': medians.history / medians.day,
    'query.othersVsAlone': medians.crowded / medians.day,
    'query.historyMillis': medians.history,
    'query.dayMillis': medians.day,
    'query.crowdedMillis': medians.crowded,
    'query.rowsPerAnswer': WINDOW_ROWS,
    'query.historyItems': historyMinutes,
    'query.otherDatasources': others.length,
    'query.otherItems': otherData.length,
    'query.dynamoCallsPerQuery': callsPerQuery,
    'query.readUnitsPerQuery': Object.values(capacity).reduce((sum, units) => sum + units, 0),
    'query.answerBytes': answer.length,
    'query.answerGzipBytes': gzipSync(answer).length,
    'query.cpuMillisPerAnswer': cpu.answer,
    'query.cpuFloorMillis': cpu.floor,
    'query.cpuVsFloor': cpu.answer / cpu.floor,
  };
}
