import { startTestApi, type TestApi } from '../test/support/local-api';

/**
 * The local server the HTTP cases share. One per process: the functions read their
 * configuration once per container, as in Lambda, and the person authorizer would keep trusting
 * the first server's OIDC issuer only, so a second server's admin tokens would be refused.
 */

let started: Promise<TestApi> | undefined;

/** The shared local server, started on first use. */
export function benchApi(): Promise<TestApi> {
  started ??= startTestApi();
  return started;
}

/** Stops the shared local server if a case started it. */
export async function stopBenchApi(): Promise<void> {
  if (!started) return;
  const api = await started;
  started = undefined;
  await api.stop();
}
