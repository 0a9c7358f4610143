/**
 * The value of an application's API Gateway key: what the API key authorizer returns as
 * `usageIdentifierKey`, so the gateway meters the application against its usage plan
 * (gateway-usage-plans.ts). Derived from the application id: it is no secret, since the gateway
 * takes it from the authorizer only (key source AUTHORIZER), never from a client. No imports,
 * so the authorizer's bundle stays free of the API Gateway client.
 */
export function usageKeyValue(applicationId: string): string {
  return `datagate-usage-${applicationId}`;
}
