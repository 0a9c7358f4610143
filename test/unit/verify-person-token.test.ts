import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, generateKeyPair } from 'jose';
import { createLocalIssuer, type LocalIssuer } from '../../lib/local/oidc-issuer';

/**
 * The person token check is the same code locally and in AWS: jose against the configured
 * issuer's JWKS. A JWKS server on loopback stands in for the issuer's.
 */

let server: Server;
let issuer: LocalIssuer;
let verifyPersonToken: typeof import('../../functions/core/identity/verify-person-token').verifyPersonToken;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/broken') {
      response.writeHead(502).end('bad gateway');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(issuer.jwks));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = await createLocalIssuer(base);
  process.env.OIDC_ISSUER = issuer.issuer;
  process.env.OIDC_AUDIENCE = issuer.audience;
  process.env.OIDC_JWKS_URL = `${base}/jwks.json`;
  ({ verifyPersonToken } = await import('../../functions/core/identity/verify-person-token'));
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('person token verification', () => {
  it('a token of the configured issuer and audience yields the person', async () => {
    const token = await issuer.issueToken({ email: 'Ada@Example.org' });
    expect(await verifyPersonToken(`Bearer ${token}`)).toEqual({
      type: 'person',
      sub: 'local|ada@example.org',
      email: 'Ada@Example.org',
      emailVerified: true,
    });
  });

  it('reports an unverified email as such', async () => {
    const token = await issuer.issueToken({ email: 'x@example.org', emailVerified: false });
    expect((await verifyPersonToken(`Bearer ${token}`))?.emailVerified).toBe(false);
  });

  it('refuses an expired token, one without exp, a foreign signature, a wrong audience or issuer, and non-bearer values', async () => {
    const expired = await issuer.issueToken({ email: 'x@example.org', ttlSeconds: -60 });
    const endless = await issuer.issueToken({ email: 'x@example.org', ttlSeconds: null });
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ email: 'x@example.org', email_verified: true })
      .setProtectedHeader({ alg: 'ES256', kid: issuer.jwks.keys[0]!.kid })
      .setIssuer(issuer.issuer)
      .setAudience(issuer.audience)
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(privateKey);
    const other = await createLocalIssuer('http://127.0.0.1:1');
    const foreignIssuer = await other.issueToken({ email: 'x@example.org' });
    expect(await verifyPersonToken(`Bearer ${expired}`)).toBeUndefined();
    expect(await verifyPersonToken(`Bearer ${endless}`)).toBeUndefined();
    expect(await verifyPersonToken(`Bearer ${forged}`)).toBeUndefined();
    expect(await verifyPersonToken(`Bearer ${foreignIssuer}`)).toBeUndefined();
    expect(await verifyPersonToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(await verifyPersonToken(undefined)).toBeUndefined();
  });

  it("throws (503 upstream), rather than calling the token bad, when the issuer's key set cannot be fetched", async () => {
    const token = await issuer.issueToken({ email: 'x@example.org' });
    const base = process.env.OIDC_JWKS_URL!;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    try {
      for (const url of [base.replace('/jwks.json', '/broken'), closedUrl]) {
        process.env.OIDC_JWKS_URL = url;
        let fresh!: typeof verifyPersonToken;
        await jest.isolateModulesAsync(async () => {
          fresh = (await import('../../functions/core/identity/verify-person-token')).verifyPersonToken;
        });
        await expect(fresh(`Bearer ${token}`)).rejects.toThrow();
      }
    } finally {
      process.env.OIDC_JWKS_URL = base;
    }
  });
});
