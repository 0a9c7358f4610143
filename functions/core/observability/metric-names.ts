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
  /** One per answered request; dimensions `route` + `statusClass`, and `api`. */
  requests: 'Requests',
  /** Milliseconds from the handler's start to its answer; same dimensions as `requests`. */
  latency: 'Latency',
  /** Answers with a 5xx status; dimension `api`. */
  serverErrors: 'ServerErrors',
  /** API key verifications by the authorizer; dimension `outcome` (VERIFICATION_OUTCOMES). */
  verifications: 'Verifications',
  /** Requests refused because the caller's grants (roles in the org) do not allow them. */
  grantsRefused: 'GrantsRefused',
  /** Measurements written by ingest requests. */
  measurementsIngested: 'MeasurementsIngested',
  /** Continuation tokens; dimension `outcome`: `issued` or `refused`. */
  continuationTokens: 'ContinuationTokens',
  /** An authorizer failed (not a refusal: an error such as an unreachable table); dimension `authorizer`. */
  authorizerFailures: 'AuthorizerFailures',
  /** Requests refused with 429 because an application went over its limits; dimension `api`. */
  throttled: 'Throttled',
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

/** The outcomes of an API key verification, as the `outcome` dimension of `Verifications`. */
export const VERIFICATION_OUTCOMES = ['hit', 'miss', 'unknownKey', 'badChecksum', 'disabled', 'expired'] as const;
export type VerificationOutcome = (typeof VERIFICATION_OUTCOMES)[number];

/** The part of the API a path belongs to, for the `api` dimension. */
export type ApiArea = 'v2' | 'admin' | 'public';

export function apiAreaOf(path: string): ApiArea {
  if (path.startsWith('/v2/') || path === '/v2') return 'v2';
  if (path.startsWith('/admin/') || path === '/admin') return 'admin';
  return 'public';
}
