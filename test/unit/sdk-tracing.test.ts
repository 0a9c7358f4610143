import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { traceSdkClients } from '../../functions/core/observability/tracer';
import { instrumented, instrumentSdkClients } from '../../functions/core/observability/client-instrumentation';

/**
 * Powertools Tracer on the SDK clients (functions/core/observability/tracer.ts): in Lambda each
 * client gets the X-Ray SDK's middleware (every call a subsegment); outside Lambda (`npm start`,
 * the tests) and with POWERTOOLS_TRACE_ENABLED=false the client is left as it is.
 */

const XRAY_MIDDLEWARE = 'XRaySDKInstrumentation';
const middlewareOf = (client: DynamoDBClient) => client.middlewareStack.identify().join('\n');
const saved = { ...process.env };

afterEach(() => {
  instrumentSdkClients((client) => client);
  for (const name of ['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

const newClient = () => instrumented(new DynamoDBClient({ region: 'eu-west-1' }));

describe('SDK tracing', () => {
  it('in Lambda, a client made after traceSdkClients carries the X-Ray middleware', () => {
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
    delete process.env.POWERTOOLS_TRACE_ENABLED;
    expect(traceSdkClients().isTracingEnabled()).toBe(true);
    expect(middlewareOf(newClient())).toContain(XRAY_MIDDLEWARE);
  });

  it('outside Lambda (npm start, tests) the tracer is off and the client is untouched', () => {
    delete process.env.AWS_EXECUTION_ENV;
    expect(traceSdkClients().isTracingEnabled()).toBe(false);
    expect(middlewareOf(newClient())).not.toContain(XRAY_MIDDLEWARE);
  });

  it('POWERTOOLS_TRACE_ENABLED=false turns it off in Lambda too', () => {
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
    process.env.POWERTOOLS_TRACE_ENABLED = 'false';
    expect(traceSdkClients().isTracingEnabled()).toBe(false);
    expect(middlewareOf(newClient())).not.toContain(XRAY_MIDDLEWARE);
  });

  it('without traceSdkClients (route functions, authorizers) a client is untouched', () => {
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs24.x';
    expect(middlewareOf(newClient())).not.toContain(XRAY_MIDDLEWARE);
  });
});
