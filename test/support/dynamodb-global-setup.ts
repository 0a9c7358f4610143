import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable, startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { startS3Local } from '../../lib/local/s3-local';

/**
 * Starts one in-memory DynamoDB Local for the integration suite and creates the table. Test
 * files isolate themselves by creating their own orgs (ids are random), not their own tables.
 * Workers inherit the environment set here.
 */
export default async function setup(): Promise<void> {
  // Every DynamoDB Local JVM of the suite (this one, the ones suites start for themselves, those
  // of their `npm start` children, all inheriting the variable) compiles with the quick JIT
  // compiler only. The optimizing compiler's work never paid for itself within a test run: with
  // it, DynamoDB Local's JVM took 48 s of CPU in bench-smoke.test.ts alone and 33 s in
  // dynamodb-faults.test.ts, without it 27 s and 19 s (start-local.test.ts: 45 s in all, 33 s).
  // What DynamoDB Local answers is the same; only how fast its code runs differs. The bench
  // (`npm run bench`) keeps the JVM's defaults.
  process.env.JDK_JAVA_OPTIONS = `${process.env.JDK_JAVA_OPTIONS ?? ''} -XX:TieredStopAtLevel=1`.trim();
  const dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.endpoint, 'datagate-test');
  // The archive and report files: one local S3 API for the suite, in a fresh temporary folder.
  const s3 = await startS3Local({ dataDir: mkdtempSync(join(tmpdir(), 'datagate-test-s3-')), bucket: 'datagate-test-data' });
  process.env.S3_ENDPOINT = s3.endpoint;
  process.env.DATA_BUCKET = s3.bucket;
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = 'datagate-test';
  process.env.AWS_REGION = 'local';
  process.env.DATAGATE_LOG = 'silent';
  // Revocation tests wait out the authorizer's cache; 1 s keeps them quick (production: 5 s).
  process.env.KEY_CACHE_TTL_SECONDS = '1';
  process.env.CONTINUATION_SECRET = 'integration-tests-continuation-secret-0123456789';
  // Continuations hold back what was received in the last 5 s in production; tests poll sooner.
  process.env.CONTINUATION_SETTLE_MS = '300';
  // Usage counters reach the table every 10 s under npm start; tests read them sooner.
  process.env.USAGE_FLUSH_SECONDS = '1';
  (globalThis as { __DYNAMODB__?: { stop(): Promise<void> } }).__DYNAMODB__ = dynamo;
  (globalThis as { __S3__?: { stop(): Promise<void> } }).__S3__ = s3;
}
