import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { getOidcConfig, type OidcConfig } from '../platform/config';
import type { PersonPrincipal } from './principal';

/**
 * Verifies a person's JWT against the configured OIDC issuer: signature by a key of the
 * issuer's JWKS, `iss`, `aud`, `exp` (required)/`nbf`. The same code runs in the Lambda authorizer and in
 * the local server (where the issuer is the local one).
 */

let verifier: { config: OidcConfig; keys: JWTVerifyGetKey } | undefined;

/**
 * jose errors that mean "the issuer's key set could not be fetched", not "the token is bad":
 * they propagate, so the caller answers 503 (unavailable) instead of 401.
 */
const ISSUER_UNAVAILABLE = new Set([errors.JWKSTimeout.code, errors.JWKSInvalid.code, errors.JOSEError.code]);

function isTokenRejection(error: unknown): boolean {
  return error instanceof errors.JOSEError && !ISSUER_UNAVAILABLE.has(error.code);
}

function getVerifier() {
  if (!verifier) {
    const config = getOidcConfig();
    verifier = { config, keys: createRemoteJWKSet(new URL(config.jwksUrl)) };
  }
  return verifier;
}

/**
 * The person behind a bearer token, or undefined when the token does not verify. Throws when
 * the issuer's key set cannot be fetched (timeout, network, not 200, not a key set).
 */
export async function verifyPersonToken(authorization: string | undefined): Promise<PersonPrincipal | undefined> {
  const match = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i.exec(authorization?.trim() ?? '');
  if (!match) return undefined;
  const { config, keys } = getVerifier();
  try {
    const { payload } = await jwtVerify(match[1]!, keys, {
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ['RS256', 'ES256'],
      // A token without `exp` would never expire: Cognito always sets one, other issuers might not.
      requiredClaims: ['exp'],
      clockTolerance: 5,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') return undefined;
    return {
      type: 'person',
      sub: payload.sub,
      ...(typeof payload.email === 'string' ? { email: payload.email } : {}),
      // Cognito sends email_verified as a boolean in ID tokens; some issuers send "true".
      emailVerified: payload.email_verified === true || payload.email_verified === 'true',
    };
  } catch (error) {
    if (isTokenRejection(error)) return undefined;
    throw error;
  }
}
