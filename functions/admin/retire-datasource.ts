import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { noContent } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { retireDatasource } from '../core/datasources';

export const handler = defineRoute(routes.retireDatasource, async ({ params, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'manageDatasources');
  await retireDatasource(params.orgId, params.datasourceId, personActor(principal));
  return noContent();
});
