/**
 * THE worker table: every Lambda function that no HTTP route invokes, with what triggers it and
 * what it may use. The CDK stack creates each row's function, its trigger and its timeout and
 * memory from here (lib/report-resources.ts); `npm start` invokes the same handler files with
 * events of the same shape, from the same rows (lib/local/workers.ts). Data only: the stack and
 * the handlers import it without loading any handler code.
 */

/** An SQS queue that feeds the worker, one batch of `batchSize` messages an invocation. */
export interface QueueTrigger {
  readonly kind: 'queue';
  /** The queue, by its role (the stack creates it; `npm start` runs an in-process stand-in). */
  readonly queue: 'reports';
  readonly batchSize: number;
  /** At most this many invocations at once (the event source's maximum concurrency). */
  readonly maxConcurrency: number;
  /**
   * Deliveries of a message before SQS moves it to the dead-letter queue (the redrive policy's
   * maxReceiveCount). The handler fails the report on the last one.
   */
  readonly maxReceiveCount: number;
  /** How long a delivered message stays invisible: longer than the worker may run. */
  readonly visibilityTimeoutSeconds: number;
}

/** An EventBridge schedule that invokes the worker every `everyMinutes` (`npm start`: every minute). */
export interface ScheduleTrigger {
  readonly kind: 'schedule';
  readonly everyMinutes: number;
}

export type WorkerTrigger = QueueTrigger | ScheduleTrigger;

export interface WorkerDefinition {
  /** The construct id and the function name's stem (PascalCase). */
  readonly name: string;
  /** Module under `functions/` that exports `handler`, as in the route table. */
  readonly handler: string;
  /** Shown in the Lambda console. */
  readonly description: string;
  readonly trigger: WorkerTrigger;
  readonly timeoutSeconds: number;
  /** MB; CPU grows with it. */
  readonly memorySize: number;
}

export const WORKERS = {
  reportWorker: {
    name: 'ReportWorker',
    handler: 'workers/report-worker',
    description: 'Produces report files: plans, datasource-month parts, output files (SQS).',
    trigger: {
      kind: 'queue',
      queue: 'reports',
      // One task a message and a message an invocation: a task may take minutes, and a failed
      // one is retried alone.
      batchSize: 1,
      maxConcurrency: 50,
      maxReceiveCount: 3,
      visibilityTimeoutSeconds: 12 * 60,
    },
    timeoutSeconds: 10 * 60,
    memorySize: 1769, // one full vCPU: gzip and Parquet encoding are CPU bound
  },
  archiver: {
    name: 'Archiver',
    handler: 'workers/archiver',
    description: 'Moves measurements into the Parquet archive, following each org’s receipts (every 10 minutes).',
    trigger: { kind: 'schedule', everyMinutes: 10 },
    timeoutSeconds: 12 * 60,
    memorySize: 1024,
  },
} as const satisfies Record<string, WorkerDefinition>;

export const workerList: readonly WorkerDefinition[] = Object.values(WORKERS);

/** The archiver stops starting new batches this long before its timeout; the next run does the rest. */
export const ARCHIVER_STOP_BEFORE_TIMEOUT_SECONDS = 2 * 60;
