import { publicRoutes } from '../routes/public';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { buildOpenApiDocument } from '../core/http/openapi';
import { routeList } from '../routes';

let document: Record<string, unknown> | undefined;

export const handler = defineRoute(publicRoutes.openApi, async () => {
  document ??= buildOpenApiDocument(routeList);
  return ok(document);
});
