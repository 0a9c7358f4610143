import { applicationRoutes } from '../routes/applications';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { createApplication } from '../core/applications';

export const handler = defineRoute(applicationRoutes.createApplication, async ({ params, body, actor }) => {
  return created(await createApplication(params.orgId, body.name, actor));
});
