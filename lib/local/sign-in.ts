import { createHash, randomBytes } from 'node:crypto';
import type { LocalIssuer } from './oidc-issuer';

/**
 * The local issuer's sign-in, shaped like Cognito's managed login so that the console's sign-in
 * code is the same against both: `GET /local/oauth2/authorize` (a page with an email field),
 * the authorization code with PKCE (S256) sent back to the console, `POST /local/oauth2/token`
 * (the code for an ID token: the very JWT `POST /local/token` issues, carrying the request's
 * `nonce`), and `GET /local/logout`, which sends the browser back to OIDC's
 * `post_logout_redirect_uri` or Cognito's `logout_uri`, whichever the request names.
 * Like Cognito, the issuer keeps its own session (an HttpOnly cookie), so a console reload
 * passes straight through. Exists in the local server only: there is no password.
 */

export interface SignInFlow {
  /** Lifetime of the ID tokens it issues; tests shorten it to watch a session expire. */
  tokenTtlSeconds: number;
  handle(request: SignInRequest): Promise<SignInResponse | undefined>;
  /** The console's `/config.json` for this issuer. */
  consoleConfig(): Record<string, unknown>;
}

export interface SignInRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

export interface SignInResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const COOKIE = 'datagate_local_session';
const CODE_TTL_MS = 60_000;
const STYLE = `body{font-family:system-ui,sans-serif;max-width:420px;margin:12vh auto;padding:0 16px;color:#1b1f24}
label{display:block;font-weight:600;margin:12px 0 4px}input{font:inherit;width:100%;padding:8px;border:1px solid #8c959f;border-radius:6px}
button{font:inherit;margin-top:16px;padding:8px 16px;border:0;border-radius:6px;background:#0b5cad;color:#fff}.error{color:#b42318}p{color:#57606a}`;
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

interface PendingCode {
  email: string;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce: string;
  expires: number;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

function page(status: number, title: string, content: string, headers: Record<string, string> = {}): SignInResponse {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      ...headers,
    },
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${content}</main></body></html>`,
  };
}

const json = (status: number, body: unknown): SignInResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Pragma: 'no-cache' },
  body: JSON.stringify(body),
});

const redirect = (location: string, headers: Record<string, string> = {}): SignInResponse => ({
  status: 302,
  headers: { Location: location, 'Cache-Control': 'no-store', ...headers },
  body: '',
});

function cookieOf(headers: Record<string, string>): string | undefined {
  const cookies = headers.cookie ?? '';
  return cookies
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === COOKIE)?.[1];
}

export function createSignInFlow(issuer: LocalIssuer, baseUrl: string): SignInFlow {
  const codes = new Map<string, PendingCode>();
  const sessions = new Map<string, string>();
  const base = `${baseUrl}/local`;

  /** The authorization request's parameters, or the reason it is refused. */
  function authorizeParams(params: URLSearchParams): Record<string, string> | string {
    const read = (name: string) => params.get(name) ?? '';
    if (read('response_type') !== 'code') return 'response_type must be "code".';
    if (read('client_id') !== issuer.audience) return `client_id must be "${issuer.audience}".`;
    // Only the console on this server may receive codes: no open redirect.
    if (!read('redirect_uri').startsWith(`${baseUrl}/`)) return `redirect_uri must be on ${baseUrl}.`;
    if (read('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(read('code_challenge')))
      return 'PKCE is required: code_challenge (S256) and code_challenge_method=S256.';
    if (read('nonce').length > 256) return 'nonce is at most 256 characters.';
    return Object.fromEntries(
      ['client_id', 'redirect_uri', 'state', 'code_challenge', 'scope', 'nonce'].map((name) => [name, read(name)]),
    );
  }

  function codeRedirect(params: Record<string, string>, email: string, headers: Record<string, string> = {}): SignInResponse {
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      email,
      clientId: params.client_id!,
      redirectUri: params.redirect_uri!,
      challenge: params.code_challenge!,
      nonce: params.nonce ?? '',
      expires: Date.now() + CODE_TTL_MS,
    });
    const target = new URL(params.redirect_uri!);
    target.searchParams.set('code', code);
    if (params.state) target.searchParams.set('state', params.state);
    return redirect(target.toString(), headers);
  }

  function signInPage(params: Record<string, string>, problem?: string, email = ''): SignInResponse {
    const hidden = Object.entries(params)
      .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
      .join('');
    return page(
      problem ? 400 : 200,
      'Sign in to Datagate (local)',
      `<h1>Sign in to Datagate</h1><p>Local sign-in: any email, taken as verified. In AWS this page is Cognito's managed login.</p>
<form method="post" action="${base}/oauth2/authorize">${hidden}<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required autofocus value="${escapeHtml(email)}"${problem ? ' aria-invalid="true" aria-describedby="problem"' : ''}>
${problem ? `<p id="problem" class="error">${escapeHtml(problem)}</p>` : ''}<button type="submit">Sign in</button></form>`,
    );
  }

  async function token(body: string | undefined): Promise<SignInResponse> {
    const form = new URLSearchParams(body ?? '');
    if (form.get('grant_type') !== 'authorization_code') return json(400, { error: 'unsupported_grant_type' });
    const code = form.get('code') ?? '';
    const pending = codes.get(code);
    codes.delete(code); // single use, whatever the outcome
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (
      !pending ||
      pending.expires < Date.now() ||
      pending.clientId !== form.get('client_id') ||
      pending.redirectUri !== form.get('redirect_uri') ||
      pending.challenge !== challenge
    )
      return json(400, { error: 'invalid_grant' });
    const idToken = await issuer.issueToken({
      email: pending.email,
      ttlSeconds: flow.tokenTtlSeconds,
      ...(pending.nonce ? { nonce: pending.nonce } : {}),
    });
    return json(200, { id_token: idToken, token_type: 'Bearer', expires_in: flow.tokenTtlSeconds });
  }

  const flow: SignInFlow = {
    tokenTtlSeconds: 3600,
    consoleConfig: () => ({
      auth: {
        authorizeUrl: `${base}/oauth2/authorize`,
        tokenUrl: `${base}/oauth2/token`,
        logoutUrl: `${base}/logout`,
        clientId: issuer.audience,
        scope: 'openid email',
      },
    }),
    async handle({ method, url, headers, body }) {
      if (url.pathname === '/local/oauth2/authorize' && method === 'GET') {
        const params = authorizeParams(url.searchParams);
        if (typeof params === 'string')
          return page(
            400,
            'Sign-in request refused',
            `<h1>Sign-in request refused</h1><p class="error">${escapeHtml(params)}</p>`,
          );
        const email = sessions.get(cookieOf(headers) ?? '');
        return email ? codeRedirect(params, email) : signInPage(params);
      }
      if (url.pathname === '/local/oauth2/authorize' && method === 'POST') {
        const form = new URLSearchParams(body ?? '');
        const params = authorizeParams(
          new URLSearchParams({ ...Object.fromEntries(form), response_type: 'code', code_challenge_method: 'S256' }),
        );
        if (typeof params === 'string')
          return page(
            400,
            'Sign-in request refused',
            `<h1>Sign-in request refused</h1><p class="error">${escapeHtml(params)}</p>`,
          );
        const email = (form.get('email') ?? '').trim();
        if (!/^[^@\s]+@[^@\s]+$/.test(email))
          return signInPage(params, 'Enter an email address, such as ada@example.org.', email);
        const session = randomBytes(24).toString('base64url');
        sessions.set(session, email);
        return codeRedirect(params, email, { 'Set-Cookie': `${COOKIE}=${session}; Path=/local; HttpOnly; SameSite=Lax` });
      }
      if (url.pathname === '/local/oauth2/token' && method === 'POST') return token(body);
      if (url.pathname === '/local/logout' && method === 'GET') {
        sessions.delete(cookieOf(headers) ?? '');
        // OIDC RP-Initiated Logout names the way back `post_logout_redirect_uri`; Cognito names it
        // `logout_uri`. The console sends both, so it comes back from either kind of issuer.
        const target = url.searchParams.get('post_logout_redirect_uri') ?? url.searchParams.get('logout_uri') ?? '';
        const clear = { 'Set-Cookie': `${COOKIE}=; Path=/local; HttpOnly; SameSite=Lax; Max-Age=0` };
        return target.startsWith(`${baseUrl}/`) ? redirect(target, clear) : page(200, 'Signed out', '<h1>Signed out</h1>', clear);
      }
      return undefined;
    },
  };
  return flow;
}
