import * as z from 'zod/mini';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { defineRoute } from '../../functions/core/http/define-route';
import { ok } from '../../functions/core/http/reply';
import { ForbiddenError, ThrottledError } from '../../functions/core/platform/errors';
import type { RouteDefinition } from '../../functions/core/http/route';
import { countForRequest } from '../../functions/core/http/request-telemetry';
import { readableLine } from '../../functions/core/observability/logger';
import { captureOutput, dimensionSets, metricValue, type CapturedOutput } from '../support/captured-output';

const route = {
  operationId: 'v2TestIngest',
  method: 'POST',
  path: '/v2/things/{thingId}',
  handler: 'none',
  credential: 'apiKey',
  grant: 'anyKey',
  tableAccess: 'none',
  summary: 'test',
  params: z.object({ thingId: z.string() }),
  body: z.object({ org: z.string(), fail: z.enum(['no', 'crash', 'forbidden']) }),
  responses: { 200: { description: 'ok' } },
  errors: [403],
} as const satisfies RouteDefinition;

const API_KEY = 'dgk_live_secret_value_that_must_never_be_logged';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.never-logged.signature';
const grants = JSON.stringify({ org_a: { roles: ['admin'] } });

function event(body: unknown, headers: Record<string, string> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: '/v2/things/t1',
    resource: route.path,
    headers: { 'Content-Type': 'application/json', 'x-api-key': API_KEY, Authorization: `Bearer ${TOKEN}`, ...headers },
    pathParameters: { thingId: 't1' },
    queryStringParameters: null,
    body: JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: {
      requestId: 'gw-request-1',
      authorizer: { type: 'application', applicationId: 'app_1', keyId: 'key_1', ownerOrgId: 'org_a', grants },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  } as unknown as APIGatewayProxyEvent;
}

const context = { awsRequestId: 'lambda-1' } as Context;

const handler = defineRoute(route, async ({ body, event: request }) => {
  if (body.fail === 'crash') throw new TypeError('the handler broke');
  if (body.fail === 'forbidden') throw new ForbiddenError();
  countForRequest(request, 'MeasurementsIngested', 7);
  return ok({ done: true });
});

describe('request telemetry: one log line and one metrics object per request', () => {
  let output: CapturedOutput;
  beforeEach(() => {
    output = captureOutput();
  });
  afterEach(() => output.restore());

  test('a success writes one JSON line with the request id, route, status, latency, org and the caller ids', async () => {
    const result = await handler(event({ org: 'org_a', fail: 'no' }), context);
    expect(result.statusCode).toBe(200);
    const lines = output.logs('request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      service: 'datagate',
      requestId: 'gw-request-1',
      route: 'v2TestIngest',
      method: 'POST',
      path: '/v2/things/t1',
      status: 200,
      latencyMs: expect.any(Number),
      org: 'org_a',
      applicationId: 'app_1',
      keyId: 'key_1',
      correlationId: result.headers?.['X-Correlation-Id'],
    });
    expect(lines[0]!.error).toBeUndefined();
  });

  test('neither the API key nor the bearer token appears anywhere in what a request writes', async () => {
    await handler(event({ org: 'org_a', fail: 'no' }), context);
    await handler(event({ org: 'org_a', fail: 'crash' }), context);
    expect(output.text()).not.toContain(API_KEY);
    expect(output.text()).not.toContain(TOKEN);
    expect(output.text()).not.toContain('never-logged');
  });

  test("the caller's correlation id is kept and returned; a malformed one is replaced by a generated one", async () => {
    const kept = await handler(event({ org: 'org_a', fail: 'no' }, { 'X-Correlation-Id': 'client-trace-42' }), context);
    expect(kept.headers?.['X-Correlation-Id']).toBe('client-trace-42');
    const replaced = await handler(event({ org: 'org_a', fail: 'no' }, { 'x-correlation-id': 'bad id with spaces' }), context);
    expect(replaced.headers?.['X-Correlation-Id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(output.logs('request').map((line) => line.correlationId)).toEqual([
      'client-trace-42',
      replaced.headers?.['X-Correlation-Id'],
    ]);
  });

  test('an unhandled error is a 500 without internals, and its line is an ERROR with the stack', async () => {
    const result = await handler(event({ org: 'org_a', fail: 'crash' }), context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('the handler broke');
    const [line] = output.logs('request');
    expect(line).toMatchObject({ level: 'ERROR', status: 500, route: 'v2TestIngest' });
    expect(line!.error).toMatchObject({
      name: 'TypeError',
      message: 'the handler broke',
      stack: expect.stringContaining('TypeError: the handler broke'),
    });
  });

  test('metrics: Requests and Latency by route and status class and by api; 5xx and refused grants counted; handler counts added', async () => {
    await handler(event({ org: 'org_a', fail: 'no' }), context);
    await handler(event({ org: 'org_a', fail: 'crash' }), context);
    await handler(event({ org: 'org_a', fail: 'forbidden' }), context);
    // The request metrics; usage per application has its own objects (the next test).
    const requestMetrics = output.metrics().filter((emf) => 'Requests' in emf);
    const [success, crash, forbidden] = requestMetrics;
    expect(requestMetrics).toHaveLength(3);
    for (const emf of [success!, crash!, forbidden!]) {
      expect(emf._aws.CloudWatchMetrics[0].Namespace).toBe('Datagate');
      expect(dimensionSets(emf)).toEqual([
        ['service', 'route', 'statusClass'],
        ['service', 'api'],
      ]);
      expect(emf).toMatchObject({ service: 'datagate', route: 'v2TestIngest', api: 'v2' });
      expect(metricValue(emf, 'Requests')).toBe(1);
      expect(metricValue(emf, 'Latency')).toEqual(expect.any(Number));
    }
    expect(success).toMatchObject({ statusClass: '2xx' });
    expect(metricValue(success!, 'MeasurementsIngested')).toBe(7);
    expect(metricValue(success!, 'ServerErrors')).toBeUndefined();
    expect(crash).toMatchObject({ statusClass: '5xx' });
    expect(metricValue(crash!, 'ServerErrors')).toBe(1);
    expect(forbidden).toMatchObject({ statusClass: '4xx' });
    expect(metricValue(forbidden!, 'GrantsRefused')).toBe(1);
  });

  test('usage per application: one ApplicationRequests per data API request, by application and by the org its grant allowed; 429s also as ApplicationThrottled', async () => {
    const orgRoute = { ...route, operationId: 'v2TestRead', grant: 'readAllDatasources' } as const satisfies RouteDefinition;
    const orgHandler = defineRoute(orgRoute, async ({ body }) => {
      if (body.fail === 'forbidden') throw new ThrottledError(60);
      return ok({ done: true });
    });
    await orgHandler(event({ org: 'org_a', fail: 'no' }), context);
    await orgHandler(event({ org: 'org_a', fail: 'forbidden' }), context);
    await handler(event({ org: 'org_a', fail: 'no' }), context);
    const usage = output.metrics().filter((emf) => 'ApplicationRequests' in emf);
    expect(usage).toHaveLength(3);
    const [answered, throttled, noOrg] = usage;
    for (const emf of [answered!, throttled!]) {
      expect(dimensionSets(emf)).toEqual([
        ['service', 'applicationId'],
        ['service', 'applicationId', 'org'],
      ]);
      expect(emf).toMatchObject({ service: 'datagate', applicationId: 'app_1', org: 'org_a' });
      expect(metricValue(emf, 'ApplicationRequests')).toBe(1);
    }
    expect(metricValue(answered!, 'ApplicationThrottled')).toBeUndefined();
    expect(metricValue(throttled!, 'ApplicationThrottled')).toBe(1);
    // A route that names no org (its grant is any key): the application's total only.
    expect(dimensionSets(noOrg!)).toEqual([['service', 'applicationId']]);
    expect(noOrg!.org).toBeUndefined();
  });

  test('with DATAGATE_LOG=silent nothing is written', async () => {
    process.env.DATAGATE_LOG = 'silent';
    await handler(event({ org: 'org_a', fail: 'crash' }), context);
    expect(output.text()).toBe('');
  });
});

describe('the readable form (npm start)', () => {
  test('a request reads as time, level, method, path, status, latency, route, then the ids', () => {
    const line = readableLine({
      level: 'INFO',
      message: 'request',
      timestamp: '2026-11-28T21:30:01.234Z',
      service: 'datagate',
      requestId: 'r1',
      route: 'v2Whoami',
      method: 'GET',
      path: '/v2/whoami',
      status: 200,
      latencyMs: 12.5,
      applicationId: 'app_1',
    });
    expect(line).toBe('21:30:01.234 INFO  GET /v2/whoami 200 12.5ms v2Whoami requestId=r1 applicationId=app_1');
  });

  test('an error adds its stack on the next lines', () => {
    const line = readableLine({
      level: 'ERROR',
      message: 'request',
      status: 500,
      method: 'GET',
      path: '/x',
      latencyMs: 1,
      route: 'x',
      error: { stack: 'Error: boom\n    at here' },
    });
    expect(line.split('\n')).toEqual([
      expect.stringContaining('ERROR GET /x 500 1ms x'),
      '  Error: boom\n    at here'.split('\n')[0],
      '    at here',
    ]);
  });
});
