import { v2DatasourceRoutes } from '../routes/v2-datasources';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { listVisibleDatasources } from '../core/datasources/datasources';
import { readListing } from '../core/store/table';
import { toV2DatasourceSummary } from '../core/clarity/v2-datasources';
import { readableDatasources } from '../core/orgs/roles';

/** Clarity's listing has no paging: the org's list is read a page at a time and answered whole. */
export const handler = defineRoute(v2DatasourceRoutes.v2ListDatasources, async ({ org, grant }) => {
  const visible = readableDatasources(grant.roles, grant.datasourceIds);
  const { items } = await readListing((limit, nextToken) => listVisibleDatasources(org, visible, limit, nextToken), {}, Infinity);
  return ok({
    subscribingOrg: org,
    datasources: items.map(toV2DatasourceSummary),
  });
});
