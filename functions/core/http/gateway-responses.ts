import type { ErrorBody } from './common-schemas';

/**
 * The answers API Gateway gives by itself (before or instead of a handler), in the contract's
 * error shape. The stack installs them as gateway responses; the local server answers with the
 * same ones in the same situations.
 */
export interface GatewayResponse {
  status: number;
  body: ErrorBody;
  headers?: Record<string, string>;
}

export const GATEWAY_RESPONSES = {
  UNAUTHORIZED: {
    status: 401,
    body: { message: 'A valid credential is required: a bearer JWT on /admin, an x-api-key on /v2.', code: 'unauthorized' },
  },
  // The API key authorizer's only Deny: a valid key used from outside its IP allowlist (contract
  // section 12). The person authorizer never denies (it refuses with 401).
  ACCESS_DENIED: {
    status: 403,
    body: { message: "This key may not be used from this address (outside the key's allowedCidrs).", code: 'ip_not_allowed' },
  },
  // API Gateway says "Missing Authentication Token" for a path it does not know; users expect 404.
  MISSING_AUTHENTICATION_TOKEN: { status: 404, body: { message: 'No such route.', code: 'not_found' } },
  RESOURCE_NOT_FOUND: { status: 404, body: { message: 'No such route.', code: 'not_found' } },
  REQUEST_TOO_LARGE: { status: 413, body: { message: 'The request body is too large.', code: 'payload_too_large' } },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, body: { message: 'The request body must be JSON.', code: 'unsupported_media_type' } },
  THROTTLED: {
    status: 429,
    body: { message: 'Too many requests; retry later.', code: 'throttled' },
    headers: { 'Retry-After': '1' },
  },
  // Over an application's requests a day (its usage plan's quota), which resets at 00:00 UTC.
  QUOTA_EXCEEDED: {
    status: 429,
    body: { message: "Over this application's requests a day; the count resets at 00:00 UTC.", code: 'throttled' },
    headers: { 'Retry-After': '3600' },
  },
  AUTHORIZER_FAILURE: {
    status: 503,
    body: { message: 'Credential verification is unavailable; retry later.', code: 'unavailable' },
    headers: { 'Retry-After': '1' },
  },
  DEFAULT_4XX: { status: 400, body: { message: 'The request was refused.', code: 'bad_request' } },
  DEFAULT_5XX: { status: 500, body: { message: 'Internal error.', code: 'internal' } },
} as const satisfies Record<string, GatewayResponse>;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSES;

/** Headers every gateway response carries, as every handler answer does (reply.ts). */
export const GATEWAY_RESPONSE_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' } as const;

/**
 * Where a gateway response's `X-Correlation-Id` comes from: API Gateway answers without running
 * code, so it echoes the caller's own header (a parameter mapping); the local router does the same,
 * and generates one when none was sent. Every gateway response also carries API Gateway's
 * `x-amzn-RequestId`.
 */
export const GATEWAY_CORRELATION_ID_MAPPING = 'method.request.header.x-correlation-id';

/**
 * API Gateway gzips answers of at least this many bytes for clients that send
 * `Accept-Encoding: gzip` (the stack's `minCompressionSize`); the local server does the same.
 */
export const GATEWAY_MIN_COMPRESSION_BYTES = 1024;
