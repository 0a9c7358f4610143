import { Tracer } from '@aws-lambda-powertools/tracer';
import { METRICS_SERVICE } from './metric-names';
import { instrumentSdkClients } from './client-instrumentation';

/**
 * Powertools Tracer on every AWS SDK client the function makes from now on: each call (DynamoDB,
 * S3, SQS, Secrets Manager...) becomes a subsegment of the invocation's X-Ray trace (the stack
 * turns active tracing on). Powertools switches it off outside Lambda (no `AWS_EXECUTION_ENV`:
 * `npm start`, the tests, the bench) and when `POWERTOOLS_TRACE_ENABLED=false`: the clients are
 * then left as they are, and nothing waits for an X-Ray daemon. Called by the worker handlers at
 * load (why not the routes: ./client-instrumentation.ts).
 */
export function traceSdkClients(): Tracer {
  // Only the SDK clients: patching Node's http and fetch too would record each SDK call twice.
  const tracer = new Tracer({ serviceName: METRICS_SERVICE, captureHTTPsRequests: false });
  instrumentSdkClients((client) => tracer.captureAWSv3Client(client));
  return tracer;
}
