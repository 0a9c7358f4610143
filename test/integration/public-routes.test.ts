import { routeList } from '../../functions/routes';
import { useTestApi } from '../support/local-api';

const api = useTestApi();

describe('public routes', () => {
  it('GET /health answers without a credential', async () => {
    const health = await api.call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', ready: true, time: expect.any(String) });
  });

  it('GET /openapi.json documents every route of the route table with its schemas and error codes', async () => {
    const answer = await api.call('GET', '/openapi.json');
    expect(answer.status).toBe(200);
    const document = answer.body;
    expect(document.openapi).toBe('3.1.0');
    for (const route of routeList) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect({ route: route.operationId, documented: operation !== undefined }).toEqual({
        route: route.operationId,
        documented: true,
      });
      expect(operation.operationId).toBe(route.operationId);
      for (const status of [...Object.keys(route.responses), ...route.errors.map(String)]) {
        expect({ route: route.operationId, status, documented: status in operation.responses }).toEqual({
          route: route.operationId,
          status,
          documented: true,
        });
      }
      if (route.body)
        // Objects everywhere, but a secret scanner's report is a JSON array (GitHub's format).
        expect(operation.requestBody.content['application/json'].schema).toEqual(
          expect.objectContaining({ type: route.operationId === 'reportLeakedKeys' ? 'array' : 'object' }),
        );
      if (route.credential !== 'none') expect(operation.responses['401']).toBeDefined();
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const documentedParams = operation.parameters
        .filter((p: { in: string }) => p.in === 'path')
        .map((p: { name: string }) => p.name);
      expect(documentedParams.sort()).toEqual(pathParams.sort());
    }
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'Application', 'ApiKey', 'Connection', 'AuditEvent']),
    );
    expect(document.components.schemas.Error.properties.code.enum).toEqual(
      expect.arrayContaining(['validation_error', 'not_found', 'conflict', 'unavailable']),
    );
    const createKey = document.paths['/admin/orgs/{orgId}/applications/{applicationId}/keys'].post;
    expect(createKey.requestBody.required).toBe(false);
    expect(document.paths['/admin/orgs'].post.requestBody.required).toBe(true);
    expect(createKey.responses['503'].headers['Retry-After']).toBeDefined();
    expect(createKey.responses['429'].headers['Retry-After']).toBeDefined();
    expect(document.paths['/admin/orgs/{orgId}/people/accept'].post.responses['400']).toBeDefined();
  });

  it('GET /openapi.json shows both recent-measurement answers as JSON or text/csv, with the continuation token header', async () => {
    const document = (await api.call('GET', '/openapi.json')).body;
    for (const path of ['/v2/recent-datasource-measurements-query', '/v2/recent-datasource-measurements-continuation']) {
      const answer = document.paths[path].post.responses['200'];
      expect(Object.keys(answer.content).sort()).toEqual(['application/json', 'text/csv']);
      expect(answer.content['application/json'].schema).toEqual(expect.objectContaining({ type: 'object' }));
      expect(answer.content['text/csv'].schema).toEqual(expect.objectContaining({ type: 'string' }));
      expect(answer.headers['x-clarity-continuation-token']).toEqual({
        description: expect.any(String),
        schema: expect.objectContaining({ type: 'string' }),
      });
    }
    expect(document.paths['/health'].get.responses['200'].headers).toBeUndefined();
  });

  it('the local OIDC issuer hands out tokens only for a valid email', async () => {
    const bad = await api.call('POST', '/local/token', { body: { email: 'nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_error');
    const jwks = await api.call('GET', '/local/jwks.json');
    expect(jwks.body.keys[0]).toEqual(expect.objectContaining({ kty: 'EC', alg: 'ES256' }));
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('an unknown route is 404 in the contract error shape', async () => {
    const answer = await api.call('GET', '/v3/nothing');
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ message: expect.any(String), code: 'not_found' });
  });
});
