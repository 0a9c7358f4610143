/**
 * The custom metrics Datagate publishes (CloudWatch embedded metric format, through Powertools
 * Metrics) and their dimensions. The handlers emit them and the stack's alarms and dashboard read
 * them, so both import these names from here; this module has no I/O.
 */

/** The CloudWatch namespace of every custom metric. */
export const METRICS_NAMESPACE = 'Datagate';

/** The `service` dimension Powertools puts on every metric. */
export const METRICS_SERVICE = 'datagate';

export const METRIC = {
  /** One per answered request. Every request metric has the dimension sets `route` + `statusClass`, and `api`. */
  requests: 'Requests',
  /** Milliseconds from the handler's start to its answer. */
  latency: 'Latency',
  /** Answers with a 5xx status. */
  serverErrors: 'ServerErrors',
  /** Requests refused because the application's grants (roles in the org) do not allow them (403 on /v2). */
  grantsRefused: 'GrantsRefused',
  /** Measurements written by ingest requests. */
  measurementsIngested: 'MeasurementsIngested',
  /** Continuation tokens handed out. */
  continuationTokensIssued: 'ContinuationTokensIssued',
  /** Continuation tokens refused (changed, foreign or expired). */
  continuationTokensRefused: 'ContinuationTokensRefused',
  /** API key verifications by the authorizer; dimension `outcome` (VERIFICATION_OUTCOMES). */
  verifications: 'Verifications',
  /** An authorizer failed (an error such as an unreachable table, not a refusal); dimension `service` only. */
  authorizerFailures: 'AuthorizerFailures',
} as const;

/** Dimension names. `api` is the first path segment: `v2`, `admin` or `public`. */
export const DIMENSION = {
  service: 'service',
  api: 'api',
  route: 'route',
  statusClass: 'statusClass',
  outcome: 'outcome',
  authorizer: 'authorizer',
} as const;

/**
 * The outcomes of an API key verification, as the `outcome` dimension of `Verifications`;
 * `ipNotAllowed`: a valid key from an address outside its allowlist (denied, 403).
 */
export const VERIFICATION_OUTCOMES = ['hit', 'miss', 'unknownKey', 'badChecksum', 'disabled', 'expired', 'ipNotAllowed'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** The part of the API a path belongs to, for the `api` dimension. */
export type ApiArea = 'v2' | 'admin' | 'public';

export function apiAreaOf(path: string): ApiArea {
  if (path.startsWith('/v2/') || path === '/v2') return 'v2';
  if (path.startsWith('/admin/') || path === '/admin') return 'admin';
  return 'public';
}
