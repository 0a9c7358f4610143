/**
 * The admin console's response headers, one definition for the CloudFront distribution and the
 * local server: a strict Content-Security-Policy (scripts and styles from the console's own
 * origin only, no inline code, no framing), HSTS, nosniff, frame denial and no referrer.
 */

/**
 * The console's Content-Security-Policy. `authOrigin` is the sign-in issuer the console calls
 * with `fetch` (Cognito's token endpoint); same-origin when omitted (the local issuer).
 */
export function consoleContentSecurityPolicy(authOrigin?: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${authOrigin ? ` ${authOrigin}` : ''}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** HSTS: two years, subdomains included. */
export const HSTS_SECONDS = 63072000;

/** The headers as the local server sends them (CloudFront sets the same through a response headers policy). */
export function consoleSecurityHeaders(csp = consoleContentSecurityPolicy()): Record<string, string> {
  return {
    'Content-Security-Policy': csp,
    'Strict-Transport-Security': `max-age=${HSTS_SECONDS}; includeSubDomains`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  };
}
