import { keyRoutes } from '../routes/keys';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { updateKey } from '../core/applications';

export const handler = defineRoute(keyRoutes.updateKey, async ({ params, body, actor }) => {
  return ok(await updateKey(params.orgId, params.applicationId, params.keyId, body, actor));
});
