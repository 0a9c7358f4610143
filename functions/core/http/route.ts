import type * as z from '../platform/zod';
import type { Permission } from '../orgs/roles';

/** Which credential a route takes (contract section 1); a route never accepts the other kind. */
export type CredentialKind = 'person' | 'apiKey' | 'none';

/** What a route's function may do to the table; the stack grants exactly this. */
export type TableAccess = 'none' | 'read' | 'readWrite';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteResponse {
  description: string;
  schema?: z.core.$ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  /** Other media types the same answer can take (e.g. `text/csv` beside JSON), each with its schema if it has one. */
  mediaTypes?: Record<string, { schema?: z.core.$ZodType }>;
  /** Headers the answer can carry, by name; the schema defaults to a string. */
  headers?: Record<string, { description: string; schema?: z.core.$ZodType }>;
}

/**
 * Who may call an `/admin` route; `defineRoute` enforces it before the handler runs, and every
 * person must hold a verified email (403 otherwise).
 * - a `Permission`: an active member of the path's `{orgId}` whose roles allow it (404 for a
 *   non-member, 403 for a pending invitee or a member whose roles do not allow it);
 * - `signedIn`: any signed-in person (the route acts on the caller's own orgs);
 * - `invitee`: a person with an invitation to the path's org (the route itself checks it).
 */
export type PersonPermission = Permission | 'signedIn' | 'invitee';

/**
 * What an application needs for a `/v2` route; `defineRoute` enforces it before the handler runs.
 * - a `Permission`: a grant in the request's `org` (body, or query string) that allows it (403 otherwise);
 * - `anyKey`: any valid key (the route touches no org).
 */
export type ApplicationGrant = Permission | 'anyKey';

interface RouteBase {
  operationId: string;
  method: HttpMethod;
  /** Module under `functions/` (without extension) that exports `handler`. */
  handler: string;
  tableAccess: TableAccess;
  summary: string;
  description?: string;
  /** Who may call it, in the words of the contract's role table (OpenAPI prose; `permission`/`grant` is what is enforced). */
  who?: string;
  params?: z.core.$ZodObject;
  query?: z.core.$ZodObject;
  body?: z.core.$ZodType;
  /**
   * A `/v2` POST that takes an `Idempotency-Key` (a retry with the same key replays the first
   * answer; idempotency.ts). Every POST under `/admin` takes one without saying so.
   */
  idempotent?: boolean;
  /** Signs or verifies continuation tokens: the stack hands it the signing secret (CONTINUATION_SECRET). */
  continuationTokens?: boolean;
  /** Creates, changes or removes applications' gateway usage plans: the stack lets it manage them (gateway-usage-plans.ts). */
  usagePlans?: boolean;
  /** Names people's OIDC issuer (the OpenAPI document's openIdConnect scheme): the stack hands it OIDC_ISSUER. */
  signInIssuer?: boolean;
  /** Reads usage per application: the stack lets it read CloudWatch metrics (GetMetricData) and sets `USAGE_SOURCE=cloudwatch`. */
  usageMetrics?: boolean;
  /** Verifies a secret scanner's signatures: the stack hands it where the scanner's keys are published (SECRET_SCANNER_KEYS_URL). */
  secretScannerKeys?: boolean;
  /**
   * Report requests: `request` sends work to the report worker (the stack grants sending to its
   * queue); `poll` signs download links for report files (read access to `reports/` in the bucket).
   */
  reports?: 'request' | 'poll';
  /**
   * The answer is streamed (a `StreamedReply`): Lambda response streaming behind API Gateway's
   * `responseTransferMode: STREAM`, and the same through the local server. The stack gives the
   * route's function and integration the streamed answer's time (STREAMED_ROUTE_TIMEOUT_SECONDS).
   */
  streamed?: boolean;
  /** The success answer(s), by status. */
  responses: Record<number, RouteResponse>;
  /** Error statuses this route can answer besides the ones every route can (401, 413, 415, 429, 500, 503). */
  errors: number[];
}

/** An `/admin` route: people only, with the permission it needs. */
export interface PersonRoute extends RouteBase {
  path: `/admin${string}`;
  credential: 'person';
  permission: PersonPermission;
}

/** A `/v2` route: applications only, with the grant it needs. */
export interface ApplicationRoute extends RouteBase {
  path: `/v2${string}`;
  credential: 'apiKey';
  grant: ApplicationGrant;
}

/** A public route: no credential, and never under `/admin` or `/v2` (see `routeTable`). */
export interface PublicRoute extends RouteBase {
  path: `/${string}`;
  credential: 'none';
}

/**
 * One row of the route table. The credential follows from the area: an `/admin` row is a
 * `PersonRoute` and a `/v2` row an `ApplicationRoute`, so neither can declare another credential.
 * The CDK stack and the local server both read the table, so a route cannot exist in one and
 * not the other; the OpenAPI document is generated from it.
 */
export type RouteDefinition = PersonRoute | ApplicationRoute | PublicRoute;

/** The credential a path's area takes. */
export type CredentialOf<P extends string> = P extends `/admin${string}`
  ? 'person'
  : P extends `/v2${string}`
    ? 'apiKey'
    : 'none';

/** Rows whose credential is not the one of their path's area become `never`, so they fail to type-check. */
type AreaChecked<T> = {
  [K in keyof T]: T[K] extends { path: infer P extends string; credential: infer C }
    ? C extends CredentialOf<P>
      ? T[K]
      : never
    : never;
};

/**
 * Declares a group of route rows (one resource): checks each row's type and that its credential
 * is the one of its area (a public row under `/admin` fails to type-check), and keeps the
 * literal types that handlers infer their inputs from.
 */
export function routeTable<const T extends Record<string, RouteDefinition>>(rows: T & AreaChecked<T>): T {
  return rows;
}
