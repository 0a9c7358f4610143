/**
 * The CloudWatch metrics usage per application is counted with, in AWS. No I/O: the handlers'
 * telemetry emits them, the stack's access-log metric filter writes the gateway's share, and
 * the usage routes read them back with GetMetricData.
 *
 * - `ApplicationRequests`: data API requests a handler answered, dimension sets
 *   {`service`, `applicationId`} and {`service`, `applicationId`, `org`} (EMF, Powertools adds `service`).
 * - `ApplicationThrottled`: of those, the ones answered 429 (a report quota), same sets.
 * - `GatewayThrottled`: requests API Gateway refused with 429 before any handler ran (the
 *   application's usage plan: rate, burst, requests a day), dimension {`applicationId`}, from a
 *   metric filter on the access log (no handler runs, so no EMF can count them; the org is unknown).
 */
export const USAGE_METRIC = {
  applicationRequests: 'ApplicationRequests',
  applicationThrottled: 'ApplicationThrottled',
  gatewayThrottled: 'GatewayThrottled',
} as const;

export const USAGE_DIMENSION = { applicationId: 'applicationId', org: 'org' } as const;
