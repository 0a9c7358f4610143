import { routes } from '../routes';
import { defineRoute } from '../core/http/define-route';
import { ok } from '../core/http/reply';
import { buildOpenApiDocument } from '../core/http/openapi';

let document: Record<string, unknown> | undefined;

export const handler = defineRoute(routes.openApi, async () => {
  document ??= buildOpenApiDocument();
  return ok(document);
});
