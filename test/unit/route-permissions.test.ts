import * as z from 'zod/mini';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { defineRoute } from '../../functions/core/http/define-route';
import { ok } from '../../functions/core/http/reply';
import { idSchema } from '../../functions/core/http/common-schemas';
import { routeTable } from '../../functions/core/http/route';
import { routeList } from '../../functions/routes';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const orgId = 'org_000000000000000000000001';
const otherOrg = 'org_000000000000000000000002';
const context = { awsRequestId: 'r1' } as Context;

const rows = routeTable({
  manage: {
    operationId: 'manage',
    method: 'GET',
    path: '/admin/orgs/{orgId}/things',
    handler: 'none',
    credential: 'person',
    permission: 'manageOrg',
    tableAccess: 'read',
    summary: 'test',
    params: z.object({ orgId: idSchema('org') }),
    responses: { 200: { description: 'ok' } },
    errors: [],
  },
  read: {
    operationId: 'read',
    method: 'POST',
    path: '/v2/things',
    handler: 'none',
    credential: 'apiKey',
    grant: 'readListedDatasources',
    tableAccess: 'read',
    summary: 'test',
    query: z.object({ org: z.optional(idSchema('org')) }),
    body: z.object({ org: z.optional(idSchema('org')) }),
    responses: { 200: { description: 'ok' } },
    errors: [],
  },
});

// An /admin row cannot take an API key: the area fixes the credential.
routeTable({
  // @ts-expect-error credential 'apiKey' is not the /admin area's
  wrong: { ...rows.read, path: '/admin/orgs/{orgId}/things' },
});
// Nor can a row under /admin go without a credential.
routeTable({
  // @ts-expect-error credential 'none' is not the /admin area's
  wrong: { ...rows.manage, credential: 'none' },
});

function event(authorizer: Record<string, string>, overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path: '/',
    headers: { 'Content-Type': 'application/json' },
    pathParameters: { orgId },
    queryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { authorizer } as unknown as APIGatewayProxyEvent['requestContext'],
    ...overrides,
  } as APIGatewayProxyEvent;
}

const person = (email = 'a@example.org', emailVerified = 'true') => ({ type: 'person', sub: 's', email, emailVerified });
const membership = (roles: string[], status = 'active') => ({
  Item: {
    PK: `ORG#${orgId}`,
    SK: 'PERSON#a@example.org',
    orgId,
    email: 'a@example.org',
    roles,
    status,
    addedAt: 't',
    addedBy: 'x',
  },
});
const application = (grants: Record<string, unknown>) => ({
  type: 'application',
  applicationId: 'app_000000000000000000000001',
  keyId: 'key_000000000000000000000001',
  ownerOrgId: orgId,
  grants: JSON.stringify(grants),
});

describe("defineRoute enforces the row's permission before the handler runs", () => {
  const ran = jest.fn();
  const manage = defineRoute(rows.manage, async ({ membership: held, actor }) => {
    ran();
    return ok({ roles: held.roles, actor });
  });
  beforeEach(() => ran.mockReset());

  it('an admin of the org gets through, with its membership and its actor', async () => {
    ddb.on(GetCommand).resolves(membership(['admin']));
    const result = await manage(event(person()), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ roles: ['admin'], actor: { type: 'person', id: 'a@example.org' } });
  });

  it('a member whose roles do not allow it is 403 and the handler never runs', async () => {
    ddb.on(GetCommand).resolves(membership(['observer']));
    expect((await manage(event(person()), context)).statusCode).toBe(403);
    expect(ran).not.toHaveBeenCalled();
  });

  it('a non-member is 404 (the org is not revealed), a pending invitee 403', async () => {
    ddb.on(GetCommand).resolves({});
    expect((await manage(event(person()), context)).statusCode).toBe(404);
    ddb.on(GetCommand).resolves(membership(['admin'], 'pending'));
    expect((await manage(event(person()), context)).statusCode).toBe(403);
    expect(ran).not.toHaveBeenCalled();
  });

  it('a person without a verified email is 403 without a database read', async () => {
    expect((await manage(event(person('a@example.org', 'false')), context)).statusCode).toBe(403);
    expect(ddb.calls()).toHaveLength(0);
  });

  const read = defineRoute(rows.read, async ({ org, grant }) => {
    ran();
    return ok({ org, roles: grant.roles });
  });

  it("an application with a grant in the request's org gets through with that grant, without a read", async () => {
    const result = await read(
      event(application({ [orgId]: { roles: ['observer'] } }), { body: JSON.stringify({ org: orgId }), httpMethod: 'POST' }),
      context,
    );
    expect(JSON.parse(result.body)).toEqual({ org: orgId, roles: ['observer'] });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('an application not connected to the org is 403 (after reading the connection afresh)', async () => {
    ddb.on(GetCommand).resolves({});
    const result = await read(
      event(application({ [otherOrg]: { roles: ['admin'] } }), { body: JSON.stringify({ org: orgId }), httpMethod: 'POST' }),
      context,
    );
    expect(result.statusCode).toBe(403);
    expect(ran).not.toHaveBeenCalled();
  });

  it('org in the body and a different one in the query string is 400', async () => {
    const result = await read(
      event(application({ [orgId]: { roles: ['admin'] }, [otherOrg]: { roles: ['admin'] } }), {
        body: JSON.stringify({ org: orgId }),
        queryStringParameters: { org: otherOrg },
        httpMethod: 'POST',
      }),
      context,
    );
    expect(result.statusCode).toBe(400);
    expect(ran).not.toHaveBeenCalled();
  });
});

describe('the route table declares what each route needs', () => {
  it("every row's credential is the one of its area", () => {
    for (const route of routeList) {
      const area = route.path.startsWith('/admin') ? 'person' : route.path.startsWith('/v2') ? 'apiKey' : 'none';
      expect({ route: route.operationId, credential: route.credential }).toEqual({ route: route.operationId, credential: area });
    }
  });

  it('every row with an org permission has {orgId} in its path; every row with an org grant takes org', () => {
    for (const route of routeList) {
      if (route.credential === 'person' && route.permission !== 'signedIn') {
        expect({ route: route.operationId, orgId: route.path.includes('{orgId}') }).toEqual({
          route: route.operationId,
          orgId: true,
        });
      }
      if (route.credential === 'apiKey' && route.grant !== 'anyKey') {
        const takesOrg = [route.query, route.body].some((schema) => schema instanceof z.ZodMiniObject && 'org' in schema.shape);
        expect({ route: route.operationId, takesOrg }).toEqual({ route: route.operationId, takesOrg: true });
      }
    }
  });
});
