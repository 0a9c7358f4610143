import { ensureTable, startDynamoDbLocal } from '../lib/local/dynamodb-local';
import type { BenchSettings, Figures } from './cases';
import { rows, type Row } from './report';

/**
 * The whole bench: DynamoDB Local on loopback (its own, in memory, unless an endpoint is given),
 * the table, then every case that can run, one after the other.
 */

/**
 * The counts. Samples are the 200 it asks for: at 300, the query and ingest cases (900
 * day queries and 600 ingests of 500 of DynamoDB Local's time) took the run past 10 minutes.
 */
export const FULL_RUN: BenchSettings = {
  samples: 200,
  initSamples: 200,
  bundleRoutes: 'all',
  hitSamples: 20_000,
  countSamples: 20,
  rpsSeconds: 5,
  historyDays: 30,
  otherDatasources: 200,
  otherHours: 3,
  streamDatasources: 200,
  streamMinutes: 1441,
  soakSeconds: 60,
  reportDatasources: 20,
  reportDays: 7,
};

/** Tiny counts: proves every case runs and every key is written; its timings mean nothing. */
export const SMOKE_RUN: BenchSettings = {
  samples: 5,
  initSamples: 2,
  bundleRoutes: 3,
  hitSamples: 50,
  countSamples: 3,
  rpsSeconds: 1,
  historyDays: 2,
  otherDatasources: 3,
  otherHours: 1,
  streamDatasources: 3,
  streamMinutes: 60,
  soakSeconds: 2,
  reportDatasources: 2,
  reportDays: 1,
};

export interface BenchResult {
  figures: Figures;
  table: Row[];
}

export async function runBench(
  settings: BenchSettings,
  options: { dynamoDbEndpoint?: string; only?: readonly string[] } = {},
): Promise<BenchResult> {
  const dynamo = options.dynamoDbEndpoint ? undefined : await startDynamoDbLocal();
  let stopBenchApi: (() => Promise<void>) | undefined;
  try {
    const endpoint = options.dynamoDbEndpoint ?? dynamo!.endpoint;
    const tableName = process.env.TABLE_NAME ?? 'datagate-bench';
    await ensureTable(endpoint, tableName);
    // Read when the shared client is made (the request counter makes it below), so set first.
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.TABLE_NAME = tableName;
    // The ingest case reads DynamoDB Local's CPU time (/proc/<pid>/stat) when it runs its own.
    if (dynamo?.pid !== undefined) process.env.BENCH_DYNAMODB_PID = String(dynamo.pid);
    process.env.AWS_REGION ??= 'local';
    process.env.DATAGATE_LOG = 'silent';
    // Usage counters are flushed in the background, a write per application and day now and then,
    // never per request: an hour apart here, so that no flush lands inside a request being counted
    // or timed (the integration suite flushes every second).
    process.env.USAGE_FLUSH_SECONDS = '3600';
    const { loadCases } = await import('./cases');
    const { installRequestCounter } = await import('./request-counter');
    installRequestCounter();
    ({ stopBenchApi } = await import('./bench-api'));
    // `--only ingest,rollups`: those cases alone (a helper measuring its own change on a shared machine).
    const cases = (await loadCases()).filter((benchCase) => !options.only || options.only.includes(benchCase.name));
    const figures: Figures = {};
    // Where the bench's time goes, seeding included (the run must stay under 10 minutes on 2 cores); listed last.
    const seconds: Figures = {};
    for (const benchCase of cases) {
      if (!benchCase.run) continue;
      const started = Date.now();
      Object.assign(figures, await benchCase.run(settings));
      seconds[`bench.${benchCase.name}Seconds`] = Math.round((Date.now() - started) / 1000);
    }
    Object.assign(figures, seconds);
    return { figures, table: rows(figures, cases) };
  } finally {
    await stopBenchApi?.();
    await dynamo?.stop();
  }
}
