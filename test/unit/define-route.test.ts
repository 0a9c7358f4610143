// The namespace import lets the bundler keep only the parts of zod in use (the `z` export pulls in all of it).
import * as z from 'zod/mini';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { defineRoute } from '../../functions/core/http/define-route';
import { ok } from '../../functions/core/http/reply';
import { ConflictError, NotFoundError } from '../../functions/core/platform/errors';
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { idSchema } from '../../functions/core/http/common-schemas';
import type { RouteDefinition } from '../../functions/core/http/route';

const route = {
  operationId: 'testRoute',
  method: 'POST',
  path: '/admin/orgs/{orgId}/things',
  handler: 'none',
  credential: 'person',
  permission: 'signedIn',
  tableAccess: 'none',
  summary: 'test',
  params: z.object({ orgId: idSchema('org') }),
  body: z.strictObject({ name: z.string().check(z.minLength(1)), roles: z.array(z.enum(['admin', 'guest'])) }),
  responses: { 200: { description: 'ok' } },
  errors: [],
} as const satisfies RouteDefinition;

const orgId = 'org_000000000000000000000001';
const person = { type: 'person', sub: 'sub-1', email: 'a@example.org', emailVerified: 'true' };

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'POST',
    path: `/admin/orgs/${orgId}/things`,
    headers: { 'Content-Type': 'application/json' },
    pathParameters: { orgId },
    queryStringParameters: null,
    body: JSON.stringify({ name: 'x', roles: ['guest'] }),
    isBase64Encoded: false,
    requestContext: { authorizer: person } as unknown as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  } as APIGatewayProxyEvent;
}

const context = { awsRequestId: 'r1' } as Context;

describe('defineRoute', () => {
  const handler = defineRoute(route, async ({ body, params, principal }) => ok({ body, params, email: principal.email }));

  it('hands the function validated, typed inputs and the principal', async () => {
    const result = await handler(event(), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ body: { name: 'x', roles: ['guest'] }, params: { orgId }, email: 'a@example.org' });
    expect(result.headers?.['Cache-Control']).toBe('no-store');
  });

  it('an unknown body field is 400 with a detail naming the field', async () => {
    const result = await handler(event({ body: JSON.stringify({ name: 'x', role: ['guest'], roles: ['guest'] }) }), context);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({
      message: expect.any(String),
      code: 'validation_error',
      details: [{ path: 'role', message: 'Unknown field "role".' }],
    });
  });

  it('a path id of the wrong shape is 404', async () => {
    const result = await handler(event({ pathParameters: { orgId: "org_'; DROP" } }), context);
    expect(result.statusCode).toBe(404);
    expect(JSON.parse(result.body).code).toBe('not_found');
  });

  it('a body that is not JSON is 415, invalid JSON is 400, over 1 MiB is 413', async () => {
    expect((await handler(event({ headers: { 'content-type': 'text/plain' } }), context)).statusCode).toBe(415);
    expect((await handler(event({ body: '{"name":' }), context)).statusCode).toBe(400);
    expect((await handler(event({ body: JSON.stringify({ name: 'x'.repeat(1024 * 1024) }) }), context)).statusCode).toBe(413);
  });

  it("a request without the route's kind of principal is 401", async () => {
    const applicationContext = { type: 'application', applicationId: 'app_1', keyId: 'k', ownerOrgId: 'o', grants: '{}' };
    const result = await handler(event({ requestContext: { authorizer: applicationContext } as never }), context);
    expect(result.statusCode).toBe(401);
  });

  it('typed domain errors become the contract error body; other errors a bare 500 without internals', async () => {
    const conflict = defineRoute(route, async () => {
      throw new ConflictError('Already there.');
    });
    expect(JSON.parse((await conflict(event(), context)).body)).toEqual({ message: 'Already there.', code: 'conflict' });
    const missing = defineRoute(route, async () => {
      throw new NotFoundError();
    });
    expect((await missing(event(), context)).statusCode).toBe(404);
    const broken = defineRoute(route, async () => {
      throw new Error('secret internal detail dgk_abc');
    });
    const result = await broken(event(), context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('secret');
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal error.', code: 'internal' });
  });

  it('DynamoDB being unavailable (server fault, timeout, network) is 503 with Retry-After, not 500', async () => {
    const failures: unknown[] = [
      new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {}, message: 'boom' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8000'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('socket timed out'), { name: 'TimeoutError' }),
    ];
    for (const failure of failures) {
      const unavailable = defineRoute(route, async () => {
        throw failure;
      });
      const result = await unavailable(event(), context);
      expect(result.statusCode).toBe(503);
      expect(result.headers?.['Retry-After']).toBe('1');
      expect(JSON.parse(result.body).code).toBe('unavailable');
    }
  });

  it('a problem with the body as a whole is named "body"', async () => {
    const result = await handler(event({ body: '[1]' }), context);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body).details).toEqual([{ path: 'body', message: expect.any(String) }]);
  });

  it('a route without a body accepts none or {}, and refuses any field', async () => {
    const bodiless = defineRoute({ ...route, body: undefined }, async () => ok({ done: true }));
    expect((await bodiless(event({ body: null }), context)).statusCode).toBe(200);
    expect((await bodiless(event({ body: '{}' }), context)).statusCode).toBe(200);
    const refused = await bodiless(event({ body: '{"roles":["admin"]}' }), context);
    expect(refused.statusCode).toBe(400);
    expect(JSON.parse(refused.body).details).toEqual([{ path: 'body', message: expect.any(String) }]);
  });
});
