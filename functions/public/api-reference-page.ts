import { publicRoutes } from '../routes/public';
import { definePublicRoute } from '../core/http/define-public-route';
import { API_REFERENCE_PAGE, API_REFERENCE_PAGE_HEADERS } from '../core/http/api-reference-files';

export const handler = definePublicRoute(publicRoutes.apiReference, async () => ({
  status: 200,
  body: API_REFERENCE_PAGE,
  contentType: 'text/html; charset=utf-8',
  headers: { 'Cache-Control': 'public, max-age=300', ...API_REFERENCE_PAGE_HEADERS },
}));
