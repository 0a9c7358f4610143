import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Context, ScheduledEvent, SQSEvent } from 'aws-lambda';
import type { WorkerDefinition } from '../../functions/workers';
import { lambdaContext } from './router';

/**
 * The workers of the worker table (functions/workers/index.ts) on this machine: their handler
 * files, invoked with the events Lambda would give them (an SQS batch, an EventBridge schedule)
 * and a Lambda context with their own timeout and memory.
 */

export type WorkerModule = { handler: (event: never, context: Context) => Promise<unknown> };
export type LoadWorker = (modulePath: string) => Promise<WorkerModule>;

/** The TypeScript source of a handler under `functions/` (what `npm start` runs). */
export const loadSource: LoadWorker = (modulePath) =>
  import(join(process.cwd(), 'functions', `${modulePath}.ts`)) as Promise<WorkerModule>;

const ACCOUNT = '000000000000';

/** The queue ARN the local stand-in queue of `queue` puts in its records. */
export const localQueueArn = (queue: string) => `arn:aws:sqs:local:${ACCOUNT}:datagate-${queue}`;

/** One message as the stand-in queue delivers it: its id, its body, and how often it has been received. */
export interface LocalMessage {
  messageId: string;
  body: string;
  receiveCount: number;
}

/** The SQS event of one batch of messages, as Lambda's SQS event source builds it. */
export function sqsEvent(queue: string, messages: readonly LocalMessage[]): SQSEvent {
  const now = String(Date.now());
  return {
    Records: messages.map((message) => ({
      messageId: message.messageId,
      receiptHandle: message.messageId,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: now,
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: now,
      },
      messageAttributes: {},
      md5OfBody: createHash('md5').update(message.body).digest('hex'),
      eventSource: 'aws:sqs',
      eventSourceARN: localQueueArn(queue),
      awsRegion: 'local',
    })),
  };
}

/** The event an EventBridge schedule rule sends its target. */
export function scheduleEvent(worker: WorkerDefinition): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: 'local',
    resources: [`arn:aws:events:local:${ACCOUNT}:rule/${worker.name}Schedule`],
    detail: {},
  };
}

/** Lambda's context for one invocation of `worker`: its timeout and memory, as the stack sets them. */
export function workerContext(worker: WorkerDefinition): Context {
  return { ...lambdaContext(worker.name, worker.timeoutSeconds * 1000), memoryLimitInMB: String(worker.memorySize) };
}

/**
 * Which messages of a batch the queue keeps to deliver again, from the handler's outcome, as
 * Lambda's SQS event source with ReportBatchItemFailures decides: those the answer lists as
 * batch item failures; every message when the handler threw (or answered an id that is not
 * in the batch, which Lambda also takes as a failure of the whole batch).
 */
export function failedMessages(
  batch: readonly LocalMessage[],
  outcome: { answer: unknown } | { error: unknown },
): LocalMessage[] {
  if ('error' in outcome) return [...batch];
  const failures = (outcome.answer as { batchItemFailures?: { itemIdentifier?: string }[] } | undefined)?.batchItemFailures ?? [];
  const ids = new Set(failures.map((failure) => failure.itemIdentifier));
  if ([...ids].some((id) => !batch.some((message) => message.messageId === id))) return [...batch];
  return batch.filter((message) => ids.has(message.messageId));
}
