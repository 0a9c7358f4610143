import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireGrant } from '../core/access';
import { listVisibleDatasources } from '../core/datasources';
import { readableDatasources } from '../core/roles';

export const handler = defineRoute(routes.v2ListDatasources, async ({ query, principal }) => {
  const grant = await requireGrant(principal, query.org, 'readListedDatasources');
  const visible = readableDatasources(grant.roles, grant.datasourceIds);
  const page = await listVisibleDatasources(query.org, visible, 1000);
  return ok({
    subscribingOrg: query.org,
    datasources: page.items.map(({ datasourceId, sourceType, name, group, tags }) => ({
      datasourceId,
      sourceType,
      orgAnnotations: { name, ...(group !== undefined ? { group } : {}), tags },
    })),
  });
});
