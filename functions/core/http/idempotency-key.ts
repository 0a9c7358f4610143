import type { APIGatewayProxyEvent } from 'aws-lambda';
import { BadRequestError, HttpError } from '../platform/errors';
import { headerValue } from './headers';
import type { RouteDefinition } from './route';

/**
 * The `Idempotency-Key` header: which routes take it, its checks and the protocol's errors.
 * Without I/O, so the OpenAPI document can say which operations take it; the protocol itself
 * is idempotency.ts.
 */

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** How long a key holds its answer (contract: 24 hours). */
export const IDEMPOTENCY_WINDOW_SECONDS = 24 * 3600;

/** Longest key accepted (contract: 1 to 255 characters). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Every POST under `/admin` takes the header, and a `/v2` POST whose row says `idempotent`. */
export function takesIdempotencyKey(route: RouteDefinition): boolean {
  return route.method === 'POST' && (route.credential === 'person' || route.idempotent === true);
}

/** The conflicts of the protocol, answered in the contract's error body. */
export class IdempotencyKeyInUseError extends HttpError {
  constructor() {
    super(
      409,
      'idempotency_key_in_use',
      'A request with this Idempotency-Key is still running; retry once it has answered.',
      undefined,
      { 'Retry-After': '1' },
    );
  }
}

export class IdempotencyKeyReusedError extends HttpError {
  constructor() {
    super(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request in the last 24 hours; send a new key for a new request.',
    );
  }
}

/** The Idempotency-Key a request sent, checked; undefined when it sent none. */
export function idempotencyKeyOf(event: APIGatewayProxyEvent): string | undefined {
  const key = headerValue(event.headers, IDEMPOTENCY_KEY_HEADER);
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new BadRequestError(`${IDEMPOTENCY_KEY_HEADER} must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters.`, [
      {
        path: `headers.${IDEMPOTENCY_KEY_HEADER}`,
        message: `Send 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters; a random UUID per logical request is best.`,
      },
    ]);
  }
  return key;
}
