import { keyRoutes } from '../routes/keys';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { createKey } from '../core/applications';

export const handler = defineRoute(keyRoutes.createKey, async ({ params, body, actor }) => {
  return created(await createKey(params.orgId, params.applicationId, body, actor));
});
