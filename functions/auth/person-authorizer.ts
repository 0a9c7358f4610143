import { headerValue } from '../core/http/headers';
import { withAuthorizerTelemetry } from '../core/http/authorizer-telemetry';
import { allow, unauthorized } from '../core/identity/authorizer-response';
import { verifyPersonToken } from '../core/identity/verify-person-token';

/** Lambda REQUEST authorizer of `/admin`: verifies the person's OIDC JWT. */
export const handler = withAuthorizerTelemetry('person-authorizer', async (event, notes) => {
  const principal = await verifyPersonToken(headerValue(event.headers, 'authorization'));
  if (!principal) unauthorized();
  notes.ids = { sub: principal.sub };
  return allow(event, principal.sub, principal);
});
