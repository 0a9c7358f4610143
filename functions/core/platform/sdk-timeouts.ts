import { getFunctionTimeoutSeconds } from './config';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from './limits';

/**
 * How long an AWS SDK call may wait, per service, so that nothing waits forever on a hung
 * dependency (docs/operations.md, "Bounded waits"). Every client in functions/ is made with
 * `sdkTimeouts(service)`:
 *
 * - `connectionTimeout`: the TCP (and TLS) connection must be up within this;
 * - `requestTimeout`: the answer's status and headers must arrive within this from the start of
 *   the attempt; `throwOnRequestTimeout` makes that an error (a `TimeoutError`, which the SDK
 *   retries): without it the SDK only logs a warning and keeps waiting;
 * - `socketTimeout`: once answering, the socket may stay silent at most this long (a body that
 *   stops half-way, such as a large S3 object's);
 * - `maxAttempts`: the retry budget, the first attempt included.
 *
 * The budgets fit the functions' time. An API function and an authorizer have 10 s: two
 * DynamoDB attempts of at most 4 s each (plus the SDK's backoff, well under a second) leave time
 * to answer 503 with `Retry-After` before Lambda would end the function. A DynamoDB call takes
 * milliseconds; 4 s without an answer means it hung. The workers (archiver, report worker: 10-12
 * minutes) make the same table calls; S3's budget is theirs (objects of many MB).
 *
 * Where the local router stretches the functions' time (`npm start`: 70 s, for DynamoDB Local on a
 * busy machine), every budget but S3's stretches with it: `TIMES_AT_10_S` scaled by
 * getFunctionTimeoutSeconds() / 10. In AWS, and in the tests, the function has 10 s.
 */

export type SdkService = 'dynamodb' | 's3' | 'sqs' | 'apiGateway' | 'cloudWatch' | 'secretsManager';

export interface SdkTimeouts {
  maxAttempts: number;
  requestHandler: {
    connectionTimeout: number;
    requestTimeout: number;
    socketTimeout: number;
    throwOnRequestTimeout: true;
  };
}

interface Budget {
  maxAttempts: number;
  connectionMs: number;
  requestMs: number;
  /** Whether the budget follows the functions' time (a 10 s route calls it), or is the workers'. */
  scales: boolean;
}

/** The budgets for a function of 10 s (`DEFAULT_FUNCTION_TIMEOUT_SECONDS`). */
export const TIMES_AT_10_S: Record<SdkService, Budget> = {
  /** Every table call: from API functions (10 s), authorizers (10 s) and workers. */
  dynamodb: { maxAttempts: 2, connectionMs: 2_000, requestMs: 4_000, scales: true },
  /** Archive day files and report files of many MB, read and written by the workers (10-12 min). */
  s3: { maxAttempts: 3, connectionMs: 3_000, requestMs: 30_000, scales: false },
  /** Report tasks, sent by the report-request route (10 s) and the report worker. */
  sqs: { maxAttempts: 2, connectionMs: 2_000, requestMs: 3_000, scales: true },
  /** Usage plans and gateway keys, from the three admin routes that manage them (10 s). */
  apiGateway: { maxAttempts: 2, connectionMs: 2_000, requestMs: 3_000, scales: true },
  /** GetMetricData, from the two usage routes (10 s). */
  cloudWatch: { maxAttempts: 2, connectionMs: 1_000, requestMs: 3_000, scales: true },
  /** GetSecretValue of the continuation secret, from the routes that sign tokens (10 s), once per cache period. */
  secretsManager: { maxAttempts: 2, connectionMs: 1_000, requestMs: 2_000, scales: true },
};

/** The client options that bound `service`'s calls (spread into the client's constructor). */
export function sdkTimeouts(service: SdkService): SdkTimeouts {
  const budget = TIMES_AT_10_S[service];
  const scale = budget.scales ? getFunctionTimeoutSeconds() / DEFAULT_FUNCTION_TIMEOUT_SECONDS : 1;
  const requestTimeout = Math.round(budget.requestMs * scale);
  return {
    maxAttempts: budget.maxAttempts,
    requestHandler: {
      connectionTimeout: Math.round(budget.connectionMs * scale),
      requestTimeout,
      socketTimeout: requestTimeout,
      throwOnRequestTimeout: true,
    },
  };
}

/** The longest every attempt of a `service` call can take when each one times out (backoff aside). */
export function worstCaseMs(service: SdkService): number {
  const { maxAttempts, requestHandler } = sdkTimeouts(service);
  return maxAttempts * requestHandler.requestTimeout;
}
