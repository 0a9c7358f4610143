import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { startLocalRuntime } from '../../lib/local/runtime';
import { failedMessages, scheduleEvent, sqsEvent, workerContext } from '../../lib/local/workers';
import { WORKERS } from '../../functions/workers';

/**
 * The API as deployed, on this machine: the local runtime (router, DynamoDB Local, the local S3
 * API, the local issuer) running the esbuild bundles `cdk synth` wrote instead of the
 * TypeScript sources, each loaded as Lambda loads it (`index.mjs`, native ESM, its externals
 * resolved from the folder above the bundles, where the test puts only the AWS SDK, as the
 * Lambda runtime has it). Report messages go through the real SQS client to a stand-in queue on
 * this machine that invokes the report worker's bundle with SQS events; POST /run-archiver on
 * that queue server runs the archiver's bundle with a schedule event.
 *
 * Run by test/infra/deployed-bundles.test.ts as a child process (`node --import tsx`, argv[2]: a
 * JSON file mapping each function module to its bundle folder). Prints one line
 * `BUNDLED_API {"url": ..., "queueUrl": ..., ...}` once it answers; stops on SIGTERM.
 */

type LambdaModule = { handler: (event: unknown, context: Context) => Promise<unknown> };

const bundles = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Record<string, string>;
const loaded = new Map<string, Promise<LambdaModule>>();

/** A function's bundle, imported once (as a Lambda execution environment keeps it). */
function load(modulePath: string): Promise<LambdaModule> {
  const folder = bundles[modulePath];
  if (!folder) return Promise.reject(new Error(`No bundle for ${modulePath}.`));
  let module = loaded.get(modulePath);
  if (!module) {
    module = import(pathToFileURL(join(folder, 'index.mjs')).href) as Promise<LambdaModule>;
    loaded.set(modulePath, module);
  }
  return module;
}

const REPORT_WORKER = WORKERS.reportWorker;

/** Delivers one message to the report worker's bundle, again after a failure, up to the queue's maxReceiveCount. */
async function deliver(body: string, receiveCount = 1): Promise<void> {
  const message = { messageId: randomUUID(), body, receiveCount };
  let outcome: { answer: unknown } | { error: unknown };
  try {
    const { handler } = await load(REPORT_WORKER.handler);
    outcome = { answer: await handler(sqsEvent(REPORT_WORKER.trigger.queue, [message]), workerContext(REPORT_WORKER)) };
  } catch (error) {
    console.error(`report worker bundle failed: ${String(error)}`);
    outcome = { error };
  }
  if (failedMessages([message], outcome).length > 0 && receiveCount < REPORT_WORKER.trigger.maxReceiveCount) {
    setTimeout(() => void deliver(body, receiveCount + 1), 200);
  }
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

async function readJson(request: IncomingMessage): Promise<any> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify(body));
}

/** The stand-in for the report queue: SendMessage and SendMessageBatch of SQS's JSON protocol. */
async function queueServer(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.url === '/run-archiver') {
    const { handler } = await load(WORKERS.archiver.handler);
    await handler(scheduleEvent(WORKERS.archiver), workerContext(WORKERS.archiver));
    return reply(response, 200, {});
  }
  const body = await readJson(request);
  const target = String(request.headers['x-amz-target'] ?? '');
  const entries: { Id: string; MessageBody: string }[] =
    target === 'AmazonSQS.SendMessageBatch' ? body.Entries : target === 'AmazonSQS.SendMessage' ? [{ Id: '0', ...body }] : [];
  if (entries.length === 0) return reply(response, 400, { __type: 'InvalidAction', message: `Not supported here: ${target}` });
  const sent = entries.map((entry) => ({ Id: entry.Id, MessageId: randomUUID(), MD5OfMessageBody: md5(entry.MessageBody) }));
  reply(response, 200, target === 'AmazonSQS.SendMessage' ? { ...sent[0], Id: undefined } : { Successful: sent, Failed: [] });
  for (const entry of entries) setImmediate(() => void deliver(entry.MessageBody));
}

async function main(): Promise<void> {
  const queue = createServer((request, response) => {
    queueServer(request, response).catch((error: unknown) => {
      console.error(`queue stand-in: ${String(error)}`);
      if (!response.headersSent) reply(response, 500, { __type: 'InternalError', message: String(error) });
    });
  });
  await new Promise<void>((resolve) => queue.listen(0, '127.0.0.1', resolve));
  const queueEndpoint = `http://127.0.0.1:${(queue.address() as AddressInfo).port}`;
  // What the stack gives the functions in AWS, pointed at this machine.
  process.env.REPORT_QUEUE_URL = `${queueEndpoint}/000000000000/datagate-reports`;
  process.env.AWS_ENDPOINT_URL_SQS = queueEndpoint;
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  // Only the API reference files' function reads its task root: the two files copied beside its bundle.
  if (bundles['public/api-reference-asset']) process.env.LAMBDA_TASK_ROOT = bundles['public/api-reference-asset'];

  // A second instance (the broken-bundle check) shares the first one's DynamoDB Local and S3 API.
  const runtime = await startLocalRuntime({
    port: 0,
    loadFunction: load,
    dynamoDbEndpoint: process.env.BUNDLED_API_DYNAMODB_ENDPOINT,
    s3Endpoint: process.env.BUNDLED_API_S3_ENDPOINT,
  });
  const stop = () => {
    queue.close();
    void runtime.stop().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  const ready = {
    url: runtime.server.url,
    queueUrl: queueEndpoint,
    dynamoDbEndpoint: runtime.dynamoDbEndpoint,
    s3Endpoint: runtime.s3Endpoint,
  };
  console.log(`BUNDLED_API ${JSON.stringify(ready)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
