import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { personActor, requireOrgPermission } from '../core/access';
import { updateDatasourceAnnotations } from '../core/datasources';

export const handler = defineRoute(routes.updateDatasource, async ({ params, body, principal }) => {
  await requireOrgPermission(principal, params.orgId, 'editAnnotations');
  return ok(await updateDatasourceAnnotations(params.orgId, params.datasourceId, body, personActor(principal)));
});
