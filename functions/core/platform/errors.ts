/**
 * Typed errors thrown by the domain and the request parsing layer.
 * One middleware (`http/error-responses.ts`) turns them into the contract's error body;
 * no handler builds an error response by hand.
 */

/** Every `code` an error body carries (the contract's section 4), by status. */
export const ERROR_CODES = [
  'bad_request',
  'validation_error',
  'unauthorized',
  'forbidden',
  // 403 from the gateway: a key used from outside its IP allowlist (contract section 12).
  'ip_not_allowed',
  'connection_not_allowed',
  'not_found',
  'conflict',
  'idempotency_key_in_use',
  'idempotency_key_reused',
  'payload_too_large',
  'unsupported_media_type',
  'throttled',
  'internal',
  'unavailable',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** One field problem in a validation error, as `details[]` of the contract. */
export interface FieldProblem {
  path: string;
  message: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends HttpError {
  constructor(message: string, details?: FieldProblem[]) {
    super(400, details ? 'validation_error' : 'bad_request', message, details);
  }
}

export class UnauthorizedError extends HttpError {
  constructor(message = 'A valid credential is required for this route.') {
    super(401, 'unauthorized', message);
  }
}

export class ForbiddenError extends HttpError {
  constructor(message = 'Your credential is valid but does not allow this.') {
    super(403, 'forbidden', message);
  }
}

/** A connect the application's owner does not allow (its `connectPolicy`). */
export class ConnectionNotAllowedError extends HttpError {
  constructor(message: string) {
    super(403, 'connection_not_allowed', message);
  }
}

export class NotFoundError extends HttpError {
  constructor(message = 'Not found.') {
    super(404, 'not_found', message);
  }
}

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class PayloadTooLargeError extends HttpError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
  }
}

/** A query whose answer would be larger than one answer may be (413, with the limit in the message). */
export class AnswerTooLargeError extends HttpError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends HttpError {
  constructor() {
    super(415, 'unsupported_media_type', 'The request body must be JSON (Content-Type: application/json).');
  }
}

export class ThrottledError extends HttpError {
  constructor(retryAfterSeconds = 1) {
    super(429, 'throttled', 'Too many requests; retry later.', undefined, { 'Retry-After': String(retryAfterSeconds) });
  }
}

export class ServiceUnavailableError extends HttpError {
  constructor(retryAfterSeconds = 1) {
    super(503, 'unavailable', 'A dependency is unavailable; retry later.', undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}
