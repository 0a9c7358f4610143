import { createHash, randomBytes } from 'node:crypto';
import { useTestApi } from '../support/local-api';

/**
 * The local server's side of the console: the console's files with their security headers,
 * the API's routes before any file, and the local issuer's sign-in (authorization code + PKCE,
 * shaped like Cognito's managed login), including what it refuses.
 */

const api = useTestApi();

const verifier = () => randomBytes(32).toString('base64url');
const challengeOf = (value: string) => createHash('sha256').update(value).digest('base64url');

function authorizeQuery(overrides: Record<string, string> = {}, codeVerifier = verifier()) {
  return new URLSearchParams({
    response_type: 'code',
    client_id: 'datagate-local',
    redirect_uri: `${api.url}/`,
    state: 'state-1',
    code_challenge: challengeOf(codeVerifier),
    code_challenge_method: 'S256',
    scope: 'openid email',
    ...overrides,
  });
}

/** Signs in through the page's form; answers the code the issuer sends back to the console. */
async function codeFor(
  email: string,
  codeVerifier: string,
  overrides: Record<string, string> = {},
): Promise<{ code: string; cookie: string }> {
  const form = new URLSearchParams(authorizeQuery(overrides, codeVerifier));
  form.set('email', email);
  const answer = await fetch(`${api.url}/local/oauth2/authorize`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form,
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${api.url}/`);
  expect(location.searchParams.get('state')).toBe('state-1');
  return { code: location.searchParams.get('code')!, cookie: answer.headers.get('set-cookie')!.split(';')[0]! };
}

async function exchange(code: string, codeVerifier: string) {
  const answer = await fetch(`${api.url}/local/oauth2/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: 'datagate-local',
      code,
      redirect_uri: `${api.url}/`,
      code_verifier: codeVerifier,
    }),
  });
  return { status: answer.status, body: (await answer.json()) as { id_token?: string; error?: string } };
}

describe('the console on the local server', () => {
  it('serves the console at / with a strict CSP, HSTS, nosniff and frame denial; API routes come first', async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('strict-transport-security')).toContain('max-age=');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    expect((await fetch(`${api.url}${script}`)).headers.get('content-type')).toContain('javascript');

    expect((await api.call('GET', '/health')).body).toMatchObject({ status: 'ok' });
    expect((await api.call('GET', '/admin/orgs')).status).toBe(401);
    expect((await fetch(`${api.url}/assets/%2e%2e/%2e%2e/package.json`)).status).not.toBe(200);
    const config = await api.call('GET', '/config.json');
    expect(config.body.auth).toEqual({
      authorizeUrl: `${api.url}/local/oauth2/authorize`,
      tokenUrl: `${api.url}/local/oauth2/token`,
      logoutUrl: `${api.url}/local/logout`,
      clientId: 'datagate-local',
      scope: 'openid email',
    });
  });

  it('signs a person in with a code and PKCE: the ID token works on /admin, and a code is good once', async () => {
    const codeVerifier = verifier();
    const page = await fetch(`${api.url}/local/oauth2/authorize?${authorizeQuery({}, codeVerifier).toString()}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<label for="email">Email</label>');

    const { code } = await codeFor('Pia@Example.org', codeVerifier);
    const tokens = await exchange(code, codeVerifier);
    expect(tokens.status).toBe(200);
    expect((await api.call('GET', '/admin/orgs', { token: tokens.body.id_token })).status).toBe(200);
    expect(await exchange(code, codeVerifier)).toEqual({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('puts the authorization request’s nonce into the ID token, and none when the request had none', async () => {
    const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    const withNonce = verifier();
    const { code } = await codeFor('nina@example.org', withNonce, { nonce: 'n-0S6_WzA2Mj' });
    const tokens = await exchange(code, withNonce);
    expect(claimsOf(tokens.body.id_token!)).toMatchObject({ nonce: 'n-0S6_WzA2Mj', email: 'nina@example.org' });

    const without = verifier();
    const plain = await exchange((await codeFor('nina@example.org', without)).code, without);
    expect(claimsOf(plain.body.id_token!)).not.toHaveProperty('nonce');
    const tooLong = authorizeQuery({ nonce: 'n'.repeat(257) });
    expect((await fetch(`${api.url}/local/oauth2/authorize?${tooLong.toString()}`)).status).toBe(400);
  });

  it('refuses a code exchanged with another verifier, and a request without PKCE or for a foreign redirect', async () => {
    const codeVerifier = verifier();
    const { code } = await codeFor('mallory@example.org', codeVerifier);
    expect(await exchange(code, verifier())).toEqual({ status: 400, body: { error: 'invalid_grant' } });

    const noPkce = authorizeQuery();
    noPkce.delete('code_challenge');
    expect((await fetch(`${api.url}/local/oauth2/authorize?${noPkce.toString()}`)).status).toBe(400);
    const foreign = authorizeQuery({ redirect_uri: 'https://attacker.example/' });
    expect((await fetch(`${api.url}/local/oauth2/authorize?${foreign.toString()}`)).status).toBe(400);
  });

  it('keeps its own session like Cognito: a second sign-in passes straight through, and logout ends it', async () => {
    const first = verifier();
    const { cookie } = await codeFor('lee@example.org', first);
    const again = await fetch(`${api.url}/local/oauth2/authorize?${authorizeQuery({}, verifier()).toString()}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(again.status).toBe(302);
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const logout = await fetch(
      `${api.url}/local/logout?client_id=datagate-local&logout_uri=${encodeURIComponent(`${api.url}/`)}`,
      {
        headers: { cookie },
        redirect: 'manual',
      },
    );
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe(`${api.url}/`);
    const afterLogout = await fetch(`${api.url}/local/oauth2/authorize?${authorizeQuery().toString()}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(afterLogout.status).toBe(200); // the sign-in page again
  });

  it('sends the browser back to OIDC’s post_logout_redirect_uri, but never to another site', async () => {
    const { cookie } = await codeFor('oidc@example.org', verifier());
    const back = `${api.url}/`;
    const logout = await fetch(
      `${api.url}/local/logout?client_id=datagate-local&post_logout_redirect_uri=${encodeURIComponent(back)}`,
      { headers: { cookie }, redirect: 'manual' },
    );
    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe(back);
    const afterLogout = await fetch(`${api.url}/local/oauth2/authorize?${authorizeQuery().toString()}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(afterLogout.status).toBe(200);

    const elsewhere = await fetch(
      `${api.url}/local/logout?post_logout_redirect_uri=${encodeURIComponent('https://attacker.example/')}`,
      { redirect: 'manual' },
    );
    expect(elsewhere.status).toBe(200);
    expect(await elsewhere.text()).toContain('Signed out');
  });
});
