import type { APIGatewayProxyEvent } from 'aws-lambda';
import { requestBaseUrl } from '../../functions/core/http/base-url';

function event(fields: { host?: string; domainName?: string; sentPath: string; path: string; proto?: string }) {
  return {
    headers: { ...(fields.host ? { Host: fields.host } : {}), ...(fields.proto ? { 'X-Forwarded-Proto': fields.proto } : {}) },
    path: fields.path,
    requestContext: { domainName: fields.domainName, path: fields.sentPath },
  } as unknown as APIGatewayProxyEvent;
}

describe('the base URL a request came in on (OpenAPI servers)', () => {
  test('an execute-api URL keeps its stage', () => {
    const url = requestBaseUrl(
      event({
        domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
        sentPath: '/v1/openapi.json',
        path: '/openapi.json',
        proto: 'https',
      }),
    );
    expect(url).toBe('https://abc123.execute-api.eu-west-1.amazonaws.com/v1');
  });

  test('a custom domain mapped at the root has no prefix, so a Clarity client uses https://<domain>/v2/', () => {
    const url = requestBaseUrl(
      event({ domainName: 'api.example.org', sentPath: '/openapi.json', path: '/openapi.json', proto: 'https' }),
    );
    expect(url).toBe('https://api.example.org');
  });

  test('a loopback host without a forwarded protocol is plain http (npm start)', () => {
    expect(requestBaseUrl(event({ host: '127.0.0.1:3000', sentPath: '/openapi.json', path: '/openapi.json' }))).toBe(
      'http://127.0.0.1:3000',
    );
  });

  test('any other host without a forwarded protocol is https', () => {
    expect(requestBaseUrl(event({ host: 'api.example.org', sentPath: '/openapi.json', path: '/openapi.json' }))).toBe(
      'https://api.example.org',
    );
  });
});
