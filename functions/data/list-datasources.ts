import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireReadableDatasources } from '../core/access';
import { listVisibleDatasources } from '../core/datasources';
import { readListing } from '../core/table';
import { toV2DatasourceSummary } from './v2-datasources';

/** Clarity's listing has no paging: the org's list is read a page at a time and answered whole. */
export const handler = defineRoute(routes.v2ListDatasources, async ({ query, principal }) => {
  const visible = await requireReadableDatasources(principal, query.org);
  const { items } = await readListing(
    (limit, nextToken) => listVisibleDatasources(query.org, visible, limit, nextToken),
    {},
    Infinity,
  );
  return ok({
    subscribingOrg: query.org,
    datasources: items.map(toV2DatasourceSummary),
  });
});
