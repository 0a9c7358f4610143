import {
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Fault injection for DynamoDB: a middleware on the functions' own document client that makes
 * the Nth call (and, for an outage, every later one) fail the way DynamoDB fails: throttling,
 * ProvisionedThroughputExceeded, a transaction cancelled, a timeout, service unavailable. It
 * sits in the `initialize` step, above the SDK's retries, so a fault is what the code sees once
 * the SDK has given up. Everything else reaches DynamoDB Local unchanged.
 */

export const FAULT_KINDS = [
  'throttling',
  'provisionedThroughputExceeded',
  'transactionCanceled',
  'timeout',
  'serviceUnavailable',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const metadata = { httpStatusCode: 400, requestId: 'fault-injection', attempts: 3, totalRetryDelay: 0 };

/** The error DynamoDB (or the SDK's HTTP layer) gives for `kind` on a call of `command`. */
export function faultError(kind: FaultKind, command: string, itemCount = 1): Error {
  switch (kind) {
    case 'throttling':
      return new ThrottlingException({ message: 'Rate of requests exceeds the allowed throughput.', $metadata: metadata });
    case 'provisionedThroughputExceeded':
      return new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded.',
        $metadata: metadata,
      });
    case 'transactionCanceled':
      // What DynamoDB answers a transaction it throttled: one reason per item, one of them
      // ThrottlingError. The other calls of an outage (an ingest's UpdateItems after its cancelled
      // transaction) are throttled as DynamoDB throttles them, never answered with a cancellation.
      if (!/Transact/.test(command)) return faultError('throttling', command);
      return new TransactionCanceledException({
        message: `Transaction cancelled (${command}), please refer cancellation reasons for specific reasons [ThrottlingError]`,
        $metadata: metadata,
        CancellationReasons: Array.from({ length: Math.max(1, itemCount) }, (_item, index) =>
          index === 0 ? { Code: 'ThrottlingError', Message: 'Throughput exceeds the current capacity.' } : { Code: 'None' },
        ),
      });
    case 'timeout':
      return Object.assign(new Error('Connection timed out after 3000 ms'), { name: 'TimeoutError', code: 'ETIMEDOUT' });
    case 'serviceUnavailable':
      return new DynamoDBServiceException({
        name: 'ServiceUnavailable',
        $fault: 'server',
        message: 'Service unavailable',
        $metadata: { ...metadata, httpStatusCode: 503 },
      });
  }
}

export interface FaultPlan {
  kind: FaultKind;
  /** The 1-based call that fails. */
  failAt: number;
  /** `once`: only that call fails (a blip); `outage`: that call and every later one until disarmed. */
  mode: 'once' | 'outage';
}

export interface FaultInjector {
  /** Counts calls from now on, without failing any: how many steps a request has. */
  count(): void;
  arm(plan: FaultPlan): void;
  disarm(): void;
  /** The commands seen since the last `count` or `arm`, in order (e.g. `GetCommand`). */
  readonly calls: readonly string[];
  /** Whether the armed plan has failed a call yet. */
  readonly fired: boolean;
}

const installed = new WeakMap<object, FaultInjector>();

/** Installs (once per client) the fault middleware, disarmed. */
export function faultInjector(client: DynamoDBDocumentClient): FaultInjector {
  const existing = installed.get(client);
  if (existing) return existing;
  let plan: FaultPlan | undefined;
  let calls: string[] = [];
  let fired = false;
  let counting = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!plan && !counting) return next(args);
      const command = String(context.commandName ?? 'unknown');
      calls.push(command);
      const n = calls.length;
      if (plan && (n === plan.failAt || (plan.mode === 'outage' && n > plan.failAt))) {
        fired = true;
        const input = args.input as { TransactItems?: unknown[] };
        throw faultError(plan.kind, command, input.TransactItems?.length ?? 1);
      }
      return next(args);
    },
    { step: 'initialize', name: 'datagateFaultInjection', priority: 'high' },
  );
  const injector: FaultInjector = {
    count() {
      plan = undefined;
      counting = true;
      calls = [];
      fired = false;
    },
    arm(next) {
      plan = next;
      counting = false;
      calls = [];
      fired = false;
    },
    disarm() {
      plan = undefined;
      counting = false;
    },
    get calls() {
      return calls;
    },
    get fired() {
      return fired;
    },
  };
  installed.set(client, injector);
  return injector;
}
