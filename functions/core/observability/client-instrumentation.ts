/**
 * Where the container's AWS SDK clients (DynamoDB, S3, SQS, CloudWatch, API Gateway, Secrets
 * Manager) pass when they are made, so a function can instrument them: the workers register
 * Powertools Tracer's `captureAWSv3Client` (./tracer.ts), which records each SDK call as an
 * X-Ray subsegment. Route functions and authorizers register nothing, so their bundles do not
 * carry the X-Ray SDK (docs/operations.md, "Traces"). Clients are made on first use, after a
 * handler module registered its instrumentation at load.
 */

type Instrument = <T>(client: T) => T;

let instrument: Instrument = (client) => client;

export function instrumentSdkClients(next: Instrument): void {
  instrument = next;
}

/** `client`, instrumented as the running function asked (unchanged by default). */
export function instrumented<T>(client: T): T {
  return instrument(client);
}
