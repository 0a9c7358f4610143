import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { requireReadableDatasources } from '../core/access';
import { listVisibleDatasources, type Datasource } from '../core/datasources';
import { toV2Datasource } from './v2-datasources';

/** Clarity's listing has no paging: the org's list is read a page at a time and answered whole. */
export const handler = defineRoute(routes.v2ListDatasources, async ({ query, principal }) => {
  const visible = await requireReadableDatasources(principal, query.org);
  const datasources: Datasource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await listVisibleDatasources(query.org, visible, 1000, nextToken);
    datasources.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return ok({
    subscribingOrg: query.org,
    datasources: datasources.map((datasource) => {
      const { datasourceId, sourceType, orgAnnotations } = toV2Datasource(datasource);
      return { datasourceId, sourceType, orgAnnotations };
    }),
  });
});
