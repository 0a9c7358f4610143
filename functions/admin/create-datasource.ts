import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { created } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { createDatasource } from '../core/datasources';

export const handler = defineRoute(routes.createDatasource, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageDatasources');
  return created(await createDatasource(params.orgId, body, personActor(principal)));
});
