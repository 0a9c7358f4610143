import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { headerValue } from './headers';
import { CORRELATION_HEADER } from './request-telemetry';
import { addLambdaContext, writeLog, type LogFields } from '../observability/logger';
import { MetricBatch } from '../observability/metrics';
import { DIMENSION, METRIC, type VerificationOutcome } from '../observability/metric-names';

/** What an authorizer tells its telemetry while it works: the verification outcome and the principal's ids. */
export interface AuthorizerNotes {
  outcome?: VerificationOutcome;
  ids?: Pick<LogFields, 'applicationId' | 'keyId' | 'sub'>;
}

type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEvent, context?: Context) => Promise<APIGatewayAuthorizerResult>;

/**
 * Wraps an authorizer: one log line per call (request id, decision, outcome, latency, the
 * principal's ids; never the credential), the `Verifications` metric by outcome, and
 * `AuthorizerFailures` when it fails with anything but the refusal API Gateway expects.
 */
export function withAuthorizerTelemetry(
  name: string,
  run: (event: APIGatewayRequestAuthorizerEvent, notes: AuthorizerNotes) => Promise<APIGatewayAuthorizerResult>,
): AuthorizerHandler {
  return async (event, context) => {
    // The invocation's context on the line, cold start included (as injectLambdaContext does for the handlers).
    if (context) addLambdaContext(context);
    const startedAt = performance.now();
    const notes: AuthorizerNotes = {};
    let decision: 'allow' | 'deny' | 'refuse' | 'error' = 'allow';
    let failure: unknown;
    try {
      const result = await run(event, notes);
      if (result.policyDocument.Statement.some((statement) => 'Effect' in statement && statement.Effect === 'Deny'))
        decision = 'deny';
      return result;
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') decision = 'refuse';
      else {
        decision = 'error';
        failure = error;
      }
      throw error;
    } finally {
      const sentCorrelationId = headerValue(event.headers, CORRELATION_HEADER);
      const fields: LogFields = {
        requestId: event.requestContext?.requestId,
        ...(sentCorrelationId ? { correlationId: sentCorrelationId.slice(0, 128) } : {}),
        route: name,
        decision,
        outcome: notes.outcome,
        latencyMs: Math.round((performance.now() - startedAt) * 10) / 10,
        ...(decision === 'allow' || decision === 'deny' ? notes.ids : {}),
      };
      if (decision === 'error') writeLog('error', 'authorizer', fields, failure);
      else writeLog('info', 'authorizer', fields);
      if (notes.outcome)
        new MetricBatch()
          .dimensionSet({ [DIMENSION.outcome]: notes.outcome })
          .count(METRIC.verifications)
          .publish();
      if (decision === 'error') new MetricBatch().count(METRIC.authorizerFailures).publish();
    }
  };
}
