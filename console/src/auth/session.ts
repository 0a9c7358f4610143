import { decodeJwt } from 'jose';
import type { SignInConfig } from '../config';
import { saveDrafts } from './drafts';

/**
 * The signed-in session: OAuth 2.0 authorization code with PKCE against the configured issuer.
 * The ID token (it carries `email` and `email_verified`, which `/admin` acts on) lives in this
 * module's memory only, never in localStorage or sessionStorage; a reload goes back through the
 * issuer, whose own session makes that a quick redirect. sessionStorage holds only the PKCE
 * verifier, state and nonce of a sign-in in flight, and a flag that this tab was signed in.
 * The ID token must carry the nonce its sign-in sent (OIDC Core 3.1.3.7), so a token minted for
 * another sign-in is refused even when the code exchange succeeds.
 */

const PENDING_KEY = 'datagate.signin';
const SIGNED_IN_KEY = 'datagate.signedIn';

interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  returnTo: string;
}

let idToken: string | undefined;
let expiresAt = 0;
let email = '';

const redirectUri = () => `${location.origin}/`;

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function randomString(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** Leaves for the issuer's sign-in page; comes back to the current screen. */
export async function startSignIn(config: SignInConfig): Promise<void> {
  const verifier = randomString();
  const challenge = base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const pending: PendingSignIn = { state: randomString(), verifier, nonce: randomString(), returnTo: location.hash };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(config.auth.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.auth.clientId,
    redirect_uri: redirectUri(),
    scope: config.auth.scope,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/**
 * On the way back from the issuer (`?code=...&state=...`): exchanges the code for tokens.
 * Returns false when this page load is not a sign-in callback.
 */
export async function completeSignIn(config: SignInConfig): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return false;
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as PendingSignIn | null;
  sessionStorage.removeItem(PENDING_KEY);
  history.replaceState(null, '', `/${pending?.returnTo ?? ''}`);
  if (error) throw new Error(`Sign-in was refused: ${params.get('error_description') ?? error}.`);
  if (!pending || params.get('state') !== pending.state)
    throw new Error('This sign-in link is stale or was not started here. Sign in again.');
  const response = await fetch(config.auth.tokenUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.auth.clientId,
      code: code!,
      redirect_uri: redirectUri(),
      code_verifier: pending.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Sign-in could not be completed (HTTP ${response.status}). Sign in again.`);
  const tokens = (await response.json()) as { id_token?: string };
  if (!tokens.id_token) throw new Error('The issuer answered without an ID token.');
  // The token comes straight from the issuer over TLS, and the API verifies its signature on
  // every call; the console reads its claims (UTF-8 JSON, so names in any script read right).
  const payload = decodeJwt(tokens.id_token);
  if (payload.nonce !== pending.nonce)
    throw new Error('The issuer answered with an ID token for another sign-in. Sign in again.');
  idToken = tokens.id_token;
  expiresAt = typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now() + 5 * 60 * 1000;
  email = typeof payload.email === 'string' ? payload.email : '';
  sessionStorage.setItem(SIGNED_IN_KEY, '1');
  return true;
}

/** Whether this tab was signed in before a reload (so the console goes straight back through the issuer). */
export const wasSignedIn = () => sessionStorage.getItem(SIGNED_IN_KEY) === '1';

/** The ID token while it is valid (with a few seconds to spare), otherwise undefined. */
export function currentToken(): string | undefined {
  return idToken && Date.now() < expiresAt - 5000 ? idToken : undefined;
}

export const signedInEmail = () => email;

/** The session ended (expired token, or the API said 401): keep the drafts and sign in again. */
export async function renewSession(config: SignInConfig): Promise<void> {
  idToken = undefined;
  saveDrafts();
  await startSignIn(config);
}

/**
 * Forgets the token and ends the issuer's session, which sends the browser back to the console.
 * The way back is named twice: `post_logout_redirect_uri` (with `client_id`) for an OpenID
 * Connect issuer (RP-Initiated Logout 1.0), `logout_uri` for Cognito, which reads only that; each
 * ignores the other's parameter. No `id_token_hint`: the token would travel in a URL, where
 * proxies and access logs keep it.
 */
export function signOut(config: SignInConfig): void {
  idToken = undefined;
  sessionStorage.removeItem(SIGNED_IN_KEY);
  const url = new URL(config.auth.logoutUrl);
  url.search = new URLSearchParams({
    client_id: config.auth.clientId,
    post_logout_redirect_uri: redirectUri(),
    logout_uri: redirectUri(),
  }).toString();
  location.assign(url.toString());
}
