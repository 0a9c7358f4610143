import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoDbLocal, ensureTable, deleteTable, type RunningDynamoDb } from './dynamodb-local';
import { LOCAL_SCANNER_KEYS_PATH, startLocalServer, type LocalServer } from './server';
import { startLocalReportEngine, type LocalReportEngine } from './report-engine';
import { startS3Local, type RunningS3 } from './s3-local';
import type { RouterOptions } from './router';
import { startLocalUsageCounters, type LocalUsageCounters } from './usage-counters';
import { workerList } from '../../functions/workers';
import { writeLog } from '../../functions/core/observability/logger';
import { loadSource, scheduleEvent, workerContext, type LoadWorker } from './workers';

/**
 * The whole API on this machine: DynamoDB Local, the table, the local server (router,
 * authorizers, handlers) and the local OIDC issuer, wired through the same environment
 * variables the Lambda functions read in AWS.
 */

export interface LocalRuntimeOptions {
  port?: number;
  /** Use an already running DynamoDB (tests share one); otherwise one is started. */
  dynamoDbEndpoint?: string;
  dynamoDbPort?: number;
  /** Persist DynamoDB data here; in memory when absent. */
  dataDir?: string;
  /** Where the started DynamoDB Local's pid is kept while it runs. */
  dynamoDbPidFile?: string;
  /** Delete the table first (its content is known to be a half-written first seed). */
  recreateTable?: boolean;
  issuerKeyFile?: string;
  tableName?: string;
  /** Use an already running S3 API (tests share one) with this bucket; otherwise one is started. */
  s3Endpoint?: string;
  bucket?: string;
  /** Where the started S3 API keeps its objects (the archive, report files). */
  s3DataDir?: string;
  /**
   * Loads the module of a route handler or authorizer (a path under `functions/`, no extension).
   * @default the TypeScript source; test/infra/deployed-bundles.test.ts loads the bundles `cdk synth` wrote
   */
  loadFunction?: RouterOptions['load'];
  /** How often the usage counters are flushed to the table (default: USAGE_FLUSH_SECONDS, else 10 s). */
  usageFlushMs?: number;
}

export interface LocalRuntime {
  server: LocalServer;
  dynamoDbEndpoint: string;
  tableName: string;
  /** Whether the table was created by this start (first start). */
  freshTable: boolean;
  s3Endpoint: string;
  bucket: string;
  /** The report queue in-process, delivering to the report worker's handler. */
  reports: LocalReportEngine;
  /** Usage per application: in-memory counters, flushed to the table periodically. */
  usage: LocalUsageCounters;
  /**
   * Invokes every scheduled worker of the worker table (the archiver) with a schedule event every
   * `everyMs` from now on (npm start, once its demo data is written).
   */
  startSchedules(everyMs: number): void;
  stop(): Promise<void>;
}

export async function startLocalRuntime(options: LocalRuntimeOptions = {}): Promise<LocalRuntime> {
  let dynamo: RunningDynamoDb | undefined;
  let s3: RunningS3 | undefined;
  let reports: LocalReportEngine | undefined;
  let scheduleTimer: NodeJS.Timeout | undefined;
  let usage: LocalUsageCounters | undefined;
  const endpoint =
    options.dynamoDbEndpoint ??
    (dynamo = await startDynamoDbLocal({
      port: options.dynamoDbPort,
      dataDir: options.dataDir,
      pidFile: options.dynamoDbPidFile,
    })).endpoint;
  try {
    const tableName = options.tableName ?? 'datagate';
    if (options.recreateTable) await deleteTable(endpoint, tableName);
    const freshTable = await ensureTable(endpoint, tableName);
    process.env.TABLE_NAME = tableName;
    process.env.DYNAMODB_ENDPOINT = endpoint;
    process.env.AWS_REGION ??= 'local';
    // Continuation tokens of a previous local run stop working; in AWS the secret is the stack's.
    process.env.CONTINUATION_SECRET ??= randomBytes(32).toString('base64url');
    const bucket = options.bucket ?? 'datagate-data';
    const s3Endpoint =
      options.s3Endpoint ??
      (s3 = await startS3Local({ dataDir: options.s3DataDir ?? join(tmpdir(), `datagate-s3-${process.pid}`), bucket })).endpoint;
    process.env.S3_ENDPOINT = s3Endpoint;
    process.env.DATA_BUCKET = bucket;
    const load: LoadWorker = options.loadFunction ?? loadSource;
    reports = startLocalReportEngine({ load });
    usage = startLocalUsageCounters(options.usageFlushMs ?? Number(process.env.USAGE_FLUSH_SECONDS || 10) * 1000);
    // The defaults of applications' limits here: the stage's own throttle (1,000 a second, burst
    // 2,000), so local tools and tests are not throttled unless they set an application's limits.
    process.env.DEFAULT_REQUESTS_PER_SECOND ??= '1000';
    process.env.DEFAULT_BURST ??= '2000';
    process.env.DEFAULT_REQUESTS_PER_DAY ??= '100000000';
    const server = await startLocalServer({
      port: options.port ?? 3000,
      issuerKeyFile: options.issuerKeyFile,
      load: options.loadFunction,
    });
    process.env.OIDC_ISSUER = server.issuer.issuer;
    process.env.OIDC_AUDIENCE = server.issuer.audience;
    process.env.OIDC_JWKS_URL = server.issuer.jwksUrl;
    // The leaked-key route trusts the local scanner's keys, unless a scanner's URL is configured.
    process.env.SECRET_SCANNER_KEYS_URL ||= `${server.url}${LOCAL_SCANNER_KEYS_PATH}`;
    return {
      server,
      dynamoDbEndpoint: endpoint,
      tableName,
      freshTable,
      s3Endpoint,
      bucket,
      reports,
      usage,
      startSchedules: (everyMs) => {
        clearInterval(scheduleTimer);
        const scheduled = workerList.filter((worker) => worker.trigger.kind === 'schedule');
        scheduleTimer = setInterval(() => {
          for (const worker of scheduled) {
            // A run that fails logs it itself; the schedule's target has no retries: the next run comes.
            void load(worker.handler).then(
              ({ handler }) => handler(scheduleEvent(worker) as never, workerContext(worker)).catch(() => undefined),
              (error: unknown) => writeLog('error', 'worker could not be loaded', { worker: worker.name }, error),
            );
          }
        }, everyMs);
        scheduleTimer.unref();
      },
      stop: async () => {
        clearInterval(scheduleTimer);
        await server.close();
        // The report tasks in flight end while the table and the bucket are still there.
        await reports?.stop();
        // What was counted since the last flush, while the table is still there.
        await usage?.stop();
        await s3?.stop();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    clearInterval(scheduleTimer);
    await reports?.stop();
    await usage?.stop().catch(() => undefined);
    await s3?.stop();
    await dynamo?.stop();
    throw error;
  }
}
