import { keyRoutes } from '../routes/keys';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { regenerateKey } from '../core/applications';

export const handler = defineRoute(keyRoutes.regenerateKey, async ({ params, body, actor }) => {
  return created(await regenerateKey(params.orgId, params.applicationId, params.keyId, body.graceSeconds, actor));
});
