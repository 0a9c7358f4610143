import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { applicationActor, requireGrant } from '../core/access';
import { updateDatasourceAnnotations } from '../core/datasources';
import { toV2Datasource } from './v2-datasources';

export const handler = defineRoute(routes.v2UpdateDatasource, async ({ params, query, body, principal }) => {
  await requireGrant(principal, query.org, 'editAnnotations');
  const datasource = await updateDatasourceAnnotations(
    query.org,
    params.datasourceId,
    body.orgAnnotations,
    applicationActor(principal),
  );
  return ok(toV2Datasource(datasource));
});
