/**
 * Runtime settings, read from `/config.json`: written at deploy time in AWS (Cognito's managed
 * login), served by the local server under `npm start` (the local OIDC issuer). The same
 * authorization-code + PKCE code path runs against either.
 */
export interface ConsoleConfig {
  /** Null when the deployment gave the console no sign-in (an external issuer without its endpoints). */
  auth: {
    /** OAuth 2.0 authorization endpoint (Cognito: `https://<domain>/oauth2/authorize`). */
    authorizeUrl: string;
    /** Token endpoint (Cognito: `https://<domain>/oauth2/token`). */
    tokenUrl: string;
    /** Where sign-out ends the issuer's own session (Cognito: `https://<domain>/logout`). */
    logoutUrl: string;
    clientId: string;
    scope: string;
  } | null;
}

/** A configuration whose sign-in is set. */
export type SignInConfig = ConsoleConfig & { auth: NonNullable<ConsoleConfig['auth']> };

export async function loadConfig(): Promise<ConsoleConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`The console's settings (/config.json) could not be read: HTTP ${response.status}.`);
  return (await response.json()) as ConsoleConfig;
}
