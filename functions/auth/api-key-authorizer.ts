import { headerValue } from '../core/http/headers';
import { withAuthorizerTelemetry } from '../core/http/authorizer-telemetry';
import { addressInRanges } from '../core/ip-ranges';
import { allow, deny, unauthorized } from '../core/identity/authorizer-response';
import { settleKeyBookkeeping, verifyApiKey } from '../core/identity/verify-api-key';

/**
 * Lambda REQUEST authorizer of `/v2`: resolves `x-api-key` to the application and its grants,
 * and enforces the key's IP allowlist on the address API Gateway saw
 * (`requestContext.identity.sourceIp`; never a header the client writes, such as
 * X-Forwarded-For). Outside every range: Deny, which the gateway answers 403 `ip_not_allowed`.
 * The stack keys the authorizer cache on the key AND the source address, so an answer cached for
 * one address is never reused for another; an allowlist change reaches the data API within the
 * revocation bound, like any other change to a key.
 */
export const handler = withAuthorizerTelemetry('api-key-authorizer', async (event, notes) => {
  const verified = await verifyApiKey(
    headerValue(event.headers, 'x-api-key'),
    Date.now(),
    (outcome) => (notes.outcome = outcome),
  );
  await settleKeyBookkeeping();
  if (!verified) unauthorized();
  const { allowedCidrs, ...principal } = verified;
  notes.ids = { applicationId: principal.applicationId, keyId: principal.keyId };
  if (allowedCidrs && !addressInRanges(event.requestContext?.identity?.sourceIp ?? '', allowedCidrs)) {
    notes.outcome = 'ipNotAllowed';
    return deny(event, principal.applicationId, principal);
  }
  return allow(event, principal.applicationId, principal);
});
