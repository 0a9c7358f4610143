import { runReportMessage, type TaskContext } from '../../functions/core/reports/report-tasks';
import { useLocalReportEngine, type ReportMessage } from '../../functions/core/reports/report-queue';

/**
 * The report worker in-process, standing in for SQS and the worker Lambda: messages run
 * `concurrency` at a time, and a message whose task throws is delivered again (up to
 * `maxAttempts`, like the queue's maxReceiveCount) after a short delay, as SQS does after the
 * visibility timeout.
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
   * process's to keep), then resolves when the tasks in flight have ended (at most 10 s).
   */
  stop(): Promise<void>;
}

export function startLocalReportEngine(
  options: { concurrency?: number; maxAttempts?: number; retryDelayMs?: number } = {},
): LocalReportEngine {
  const concurrency = options.concurrency ?? 4;
  const maxAttempts = options.maxAttempts ?? 3;
  const retryDelayMs = options.retryDelayMs ?? 200;
  const queue: { message: ReportMessage; attempt: number }[] = [];
  let running = 0;
  let delayed = 0;
  let stopped = false;
  let paused = false;
  let checkpoint: TaskContext['checkpoint'];
  let waiters: (() => void)[] = [];

  const settle = () => {
    if (queue.length === 0 && running === 0 && delayed === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };

  const pump = () => {
    while (!stopped && !paused && running < concurrency && queue.length > 0) {
      const { message, attempt } = queue.shift()!;
      running += 1;
      void runReportMessage(message, { attempt, maxAttempts, checkpoint })
        .catch((error: unknown) => {
          // Stopping ends the process's part: the task is not failed for good, it is abandoned (in
          // AWS, a message whose worker stopped is delivered again).
          if (stopped) return;
          if (attempt >= maxAttempts) {
            console.error(
              JSON.stringify({
                level: 'error',
                message: 'report task failed for good',
                kind: message.kind,
                reportId: message.reportId,
                error: String(error),
              }),
            );
            return;
          }
          delayed += 1;
          setTimeout(() => {
            delayed -= 1;
            queue.push({ message, attempt: attempt + 1 });
            pump();
            settle();
          }, retryDelayMs).unref();
        })
        .finally(() => {
          running -= 1;
          pump();
          settle();
        });
    }
  };

  useLocalReportEngine((messages) => {
    queue.push(...messages.map((message) => ({ message, attempt: 1 })));
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
