import { v2KeyRoutes } from '../routes/v2-keys';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { headerValue } from '../core/http/headers';
import { applicationActor } from '../core/identity/access';
import { revokeOwnKey } from '../core/applications';

/** The holder of a key revokes it: "I just pasted it somewhere". */
export const handler = defineRoute(v2KeyRoutes.v2RevokeKey, async ({ principal, event }) => {
  // The authorizer resolved the principal from this very header, so it is the key being revoked.
  const presented = headerValue(event.headers, 'x-api-key')!;
  const revocation = await revokeOwnKey(principal, presented, applicationActor(principal));
  return ok({
    applicationId: revocation.applicationId,
    keyId: revocation.keyId,
    enabled: false,
    revokedAt: revocation.revokedAt,
  });
});
