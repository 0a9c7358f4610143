import { publicRoutes } from '../routes/public';
import { definePublicRoute } from '../core/http/define-public-route';
import { ok } from '../core/http/reply';
import { buildOpenApiDocument } from '../core/http/openapi';
import { requestBaseUrl } from '../core/http/base-url';
import { routeList } from '../routes';
import { getOidcIssuer } from '../core/platform/config';

let document: Record<string, unknown> | undefined;

/** The document, with `servers` naming the base URL this request came in on, and people's issuer. */
export const handler = definePublicRoute(publicRoutes.openApi, async ({ event }) => {
  document ??= buildOpenApiDocument(routeList, { issuer: getOidcIssuer() });
  return ok({ ...document, servers: [{ url: requestBaseUrl(event), description: 'This deployment.' }] });
});
