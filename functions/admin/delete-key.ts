import { keyRoutes } from '../routes/keys';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { deleteKey } from '../core/applications';

export const handler = defineRoute(keyRoutes.deleteKey, async ({ params, actor }) => {
  await deleteKey(params.orgId, params.applicationId, params.keyId, actor);
  return noContent();
});
