import { ServiceUnavailableError } from '../platform/errors';

/**
 * DynamoDB's answers that mean "unavailable, retry": recognised by the SDK error's `name` (each
 * exception class sets it to its own name), not by `instanceof`, so the error middleware of
 * every route can map them without carrying the DynamoDB client (a public route's bundle has
 * none). test/unit/fault-mapping.test.ts maps the SDK's own exception objects.
 */

/**
 * Throttling in each of its names, and a single-item write refused because a transaction on the
 * item is in flight (TransactionConflictException: nothing written, worth another try; ingest's
 * transactions of `ADD`s and the lease meet other ingests' writes of the same items).
 */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TransactionConflictException',
]);

/** Network failures on the way to DynamoDB (after the SDK's own retries). */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
]);

/**
 * Maps "DynamoDB is unavailable" to the contract's 503 with `Retry-After`: throttling, a
 * server-side fault, a timeout or a network failure. Anything else passes through.
 */
export function translateDynamoError(error: unknown): unknown {
  if (error instanceof Error && THROTTLING.has(error.name)) return new ServiceUnavailableError(1);
  if (typeof error === 'object' && error !== null) {
    const { $fault, code, name, $metadata } = error as {
      $fault?: string;
      code?: string;
      name?: string;
      $metadata?: { httpStatusCode?: number };
    };
    // An SDK error without an HTTP status never got an answer from DynamoDB: the connection
    // failed after the SDK's retries. Its `code` can be lost on the way (the SDK wraps what it
    // does not recognise as an Error), so the missing status is the test, not the code alone.
    const unanswered = $metadata !== undefined && $metadata.httpStatusCode === undefined;
    if ($fault === 'server' || name === 'TimeoutError' || (code && NETWORK_ERROR_CODES.has(code)) || unanswered) {
      return new ServiceUnavailableError(1);
    }
  }
  return error;
}
