import { randomUUID } from 'node:crypto';
import type { TaskContext } from '../../functions/core/reports/report-tasks';
import { useLocalReportEngine } from '../../functions/core/reports/report-queue';
import { writeLog } from '../../functions/core/observability/logger';
import { WORKERS } from '../../functions/workers';
import { failedMessages, loadSource, sqsEvent, workerContext, type LoadWorker, type LocalMessage } from './workers';

/**
 * The report queue in-process, standing in for SQS and the worker's event source: messages are
 * delivered to the report worker's handler file (functions/workers/report-worker.ts) in SQS
 * events of `batchSize` records, `concurrency` invocations at a time. A message the handler
 * answers as a batch item failure, or every message of a batch whose invocation threw, is
 * delivered again after a short delay (as SQS does after the visibility timeout), up to the
 * queue's maxReceiveCount; then it goes to the dead-letter queue: here, a log line.
 */

export interface LocalReportEngine {
  /** Resolves when no message is queued or running. */
  idle(): Promise<void>;
  /** Tests: called between a task's steps; throwing kills that delivery half-way. */
  setCheckpoint(checkpoint: TaskContext['checkpoint']): void;
  /**
   * Tests: messages sent from now on wait in the queue until `resume` (as in a queue no worker
   * polls), so that a request's own DynamoDB calls can be told apart from the worker's.
   */
  pause(): void;
  resume(): void;
  /**
   * Takes no more messages and drops the queued ones (a stopped worker's queue is not this
   * process's to keep), then resolves when the invocations in flight have ended (at most 10 s).
   */
  stop(): Promise<void>;
}

type ReportWorkerModule = Awaited<ReturnType<LoadWorker>> & {
  /** The handler's factory (functions/workers/report-worker.ts), for the tests' checkpoint. */
  reportWorker?: (options: { checkpoint?: TaskContext['checkpoint'] }) => (event: never, context: never) => Promise<unknown>;
};

export function startLocalReportEngine(
  options: { concurrency?: number; retryDelayMs?: number; load?: LoadWorker } = {},
): LocalReportEngine {
  const worker = WORKERS.reportWorker;
  const { batchSize, maxReceiveCount, queue: queueName } = worker.trigger;
  const concurrency = Math.min(options.concurrency ?? 4, worker.trigger.maxConcurrency);
  const retryDelayMs = options.retryDelayMs ?? 200;
  const load = options.load ?? loadSource;
  const queue: LocalMessage[] = [];
  let running = 0;
  let delayed = 0;
  let stopped = false;
  let paused = false;
  let checkpoint: TaskContext['checkpoint'];
  let waiters: (() => void)[] = [];

  // The handler file, loaded once (as an execution environment keeps it); its checkpoint is this engine's.
  let handler: Promise<(event: never, context: never) => Promise<unknown>> | undefined;
  const handlerOf = () =>
    (handler ??= (load(worker.handler) as Promise<ReportWorkerModule>).then(
      (module) => module.reportWorker?.({ checkpoint: (step, message) => checkpoint?.(step, message) }) ?? module.handler,
    ));

  const settle = () => {
    if (queue.length === 0 && running === 0 && delayed === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };

  const invoke = async (batch: LocalMessage[]) => {
    let outcome: { answer: unknown } | { error: unknown };
    try {
      const run = await handlerOf();
      outcome = { answer: await run(sqsEvent(queueName, batch) as never, workerContext(worker) as never) };
    } catch (error) {
      outcome = { error };
    }
    // Stopping ends the process's part: the messages are not failed for good, they are abandoned
    // (in AWS, a message whose worker stopped is delivered again).
    if (stopped) return;
    for (const message of failedMessages(batch, outcome)) {
      if (message.receiveCount >= maxReceiveCount) {
        writeLog('error', 'report message moved to the dead-letter queue', {
          messageId: message.messageId,
          receiveCount: message.receiveCount,
        });
        continue;
      }
      delayed += 1;
      setTimeout(() => {
        delayed -= 1;
        queue.push({ ...message, receiveCount: message.receiveCount + 1 });
        pump();
        settle();
      }, retryDelayMs).unref();
    }
  };

  const pump = () => {
    while (!stopped && !paused && running < concurrency && queue.length > 0) {
      const batch = queue.splice(0, batchSize);
      running += 1;
      void invoke(batch).finally(() => {
        running -= 1;
        pump();
        settle();
      });
    }
  };

  useLocalReportEngine((messages) => {
    queue.push(...messages.map((message) => ({ messageId: randomUUID(), body: JSON.stringify(message), receiveCount: 1 })));
    // Like a queue, the sender does not wait for the work.
    setImmediate(pump);
  });

  return {
    idle: () =>
      new Promise<void>((resolve) => {
        waiters.push(resolve);
        settle();
      }),
    setCheckpoint: (next) => {
      checkpoint = next;
    },
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      pump();
    },
    stop: async () => {
      stopped = true;
      queue.length = 0;
      const deadline = Date.now() + 10_000;
      while (running > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      useLocalReportEngine(undefined);
    },
  };
}
