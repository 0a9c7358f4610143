import type { z } from 'zod';

/** Which credential a route takes (contract section 1); a route never accepts the other kind. */
export type CredentialKind = 'person' | 'apiKey' | 'none';

/** What a route's function may do to the table; the stack grants exactly this. */
export type TableAccess = 'none' | 'read' | 'readWrite';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /** Other media types the same answer can take (e.g. `text/csv` beside JSON), each with its schema if it has one. */
  mediaTypes?: Record<string, { schema?: z.ZodType }>;
  /** Headers the answer can carry, by name; the schema defaults to a string. */
  headers?: Record<string, { description: string; schema?: z.ZodType }>;
}

/**
 * One row of the route table. The CDK stack and the local server both read the table, so a
 * route cannot exist in one and not the other; the OpenAPI document is generated from it.
 */
export interface RouteDefinition {
  operationId: string;
  method: HttpMethod;
  /** API Gateway style path, with `{param}` segments. */
  path: string;
  /** Module under `functions/` (without extension) that exports `handler`. */
  handler: string;
  credential: CredentialKind;
  tableAccess: TableAccess;
  summary: string;
  description?: string;
  /** Who may call it, in the words of the contract's role table. */
  who?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Signs or verifies continuation tokens: the stack hands it the signing secret (CONTINUATION_SECRET). */
  continuationTokens?: boolean;
  /**
   * Report requests: `request` sends work to the report worker (the stack grants sending to its
   * queue); `poll` signs download links for report files (read access to `reports/` in the bucket).
   */
  reports?: 'request' | 'poll';
  /** The success answer(s), by status. */
  responses: Record<number, RouteResponse>;
  /** Error statuses this route can answer besides the ones every route can (401, 413, 415, 429, 500, 503). */
  errors: number[];
}
