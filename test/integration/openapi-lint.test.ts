import { lintOpenApiDocument } from '../../bin/openapi-linters';
import { useTestApi } from '../support/local-api';

/**
 * The SERVED document (`GET /openapi.json` of the local server, `servers` and the OIDC issuer
 * filled in as a deployment fills them) passes Redocly's recommended rules and Spectral's
 * `spectral:oas` with no error, warning or hint; the same check fails on a document that lacks
 * what the rules ask for, so it is not a check that cannot fail.
 */

const api = useTestApi();

describe('the OpenAPI document lints clean', () => {
  it('the served document: 0 errors, 0 warnings in both linters; every operation has an example; OpenID Connect for people', async () => {
    const served = await api.call('GET', '/openapi.json');
    expect(served.status).toBe(200);
    const document = served.body;
    expect(document.info.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(document.servers).toEqual([{ url: api.url, description: expect.any(String) }]);
    expect(document.components.securitySchemes.personJwt).toMatchObject({
      type: 'openIdConnect',
      openIdConnectUrl: `${api.url}/local/.well-known/openid-configuration`,
    });
    const discovery = await api.call('GET', '/local/.well-known/openid-configuration');
    expect(discovery.body).toMatchObject({ issuer: `${api.url}/local`, jwks_uri: `${api.url}/local/jwks.json` });

    const withoutExample: string[] = [];
    for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(methods)) {
        const text = JSON.stringify([operation.parameters, operation.requestBody, operation.responses]);
        if (!text.includes('"example"')) withoutExample.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(withoutExample).toEqual([]);

    expect(await lintOpenApiDocument(document)).toEqual([]);
  }, 120_000);

  it('a document without tags, license and servers is refused by the linters', async () => {
    const served = (await api.call('GET', '/openapi.json')).body;
    const { tags: _tags, servers: _servers, ...rest } = served;
    const { license: _license, contact: _contact, ...info } = served.info;
    const problems = await lintOpenApiDocument({ ...rest, info });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^redocly .*info-license/),
        expect.stringMatching(/^redocly .*no-empty-servers/),
        expect.stringMatching(/^spectral warning info-contact/),
        expect.stringMatching(/^spectral warning operation-tag-defined/),
      ]),
    );
  }, 120_000);
});
