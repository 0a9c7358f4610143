import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * A local OIDC issuer for people's tokens: it signs JWTs with an ES256 key it generated and
 * publishes the public half as a JWKS. The admin API verifies these tokens with the very code
 * that verifies Cognito's in the cloud (functions/core/identity/verify-person-token.ts); only the
 * configured issuer, audience and JWKS URL differ. Exists in the local server only.
 */

export interface LocalIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
  jwks: { keys: JWK[] };
  /**
   * An ID token; `nonce` is the one the sign-in's authorization request carried (OIDC Core 3.1.2.1).
   * `ttlSeconds: null` signs a token without `exp`, which the API refuses (tests prove it).
   */
  issueToken(claims: {
    email: string;
    emailVerified?: boolean;
    sub?: string;
    ttlSeconds?: number | null;
    nonce?: string;
  }): Promise<string>;
}

const KEY_ID = 'datagate-local-1';

async function loadOrCreateKey(keyFile: string | undefined): Promise<JWK> {
  if (keyFile && existsSync(keyFile)) return JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: 'ES256', use: 'sig' };
  if (keyFile) {
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
}

/**
 * Creates the issuer at `baseUrl/local`. With `keyFile` its signing key persists across
 * restarts (tokens stay valid); without, a fresh key is made.
 */
export async function createLocalIssuer(
  baseUrl: string,
  options: { audience?: string; keyFile?: string } = {},
): Promise<LocalIssuer> {
  const privateJwk = await loadOrCreateKey(options.keyFile);
  const { d: _private, ...publicJwk } = privateJwk;
  const signingKey = await importJWK(privateJwk, 'ES256');
  const issuer = `${baseUrl}/local`;
  const audience = options.audience ?? 'datagate-local';
  return {
    issuer,
    audience,
    jwksUrl: `${issuer}/jwks.json`,
    jwks: { keys: [publicJwk] },
    issueToken: ({ email, emailVerified = true, sub, ttlSeconds = 3600, nonce }) => {
      const token = new SignJWT({ email, email_verified: emailVerified, ...(nonce ? { nonce } : {}) })
        .setProtectedHeader({ alg: 'ES256', kid: KEY_ID, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub ?? `local|${email.toLowerCase()}`)
        .setIssuedAt();
      return (ttlSeconds === null ? token : token.setExpirationTime(`${ttlSeconds}s`)).sign(signingKey);
    },
  };
}
