import { headerValue } from '../core/http/headers';
import { withAuthorizerTelemetry } from '../core/http/authorizer-telemetry';
import { allow, unauthorized } from '../core/identity/authorizer-response';
import { settleKeyBookkeeping, verifyApiKey } from '../core/identity/verify-api-key';

/** Lambda REQUEST authorizer of `/v2`: resolves `x-api-key` to the application and its grants. */
export const handler = withAuthorizerTelemetry('api-key-authorizer', async (event, notes) => {
  const principal = await verifyApiKey(
    headerValue(event.headers, 'x-api-key'),
    Date.now(),
    (outcome) => (notes.outcome = outcome),
  );
  await settleKeyBookkeeping();
  if (!principal) unauthorized();
  notes.ids = { applicationId: principal.applicationId, keyId: principal.keyId };
  return allow(event, principal.applicationId, principal);
});
