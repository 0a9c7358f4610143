import { keyRoutes } from '../routes/keys';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { listKeys } from '../core/applications';

export const handler = defineRoute(keyRoutes.listKeys, async ({ params }) => {
  return ok({ keys: await listKeys(params.orgId, params.applicationId) });
});
