import { healthSchema, openApiDocumentSchema } from '../public/schemas';
import { routeTable } from '../core/http/route';

/** Public routes: no credential. */
export const publicRoutes = routeTable({
  health: {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    handler: 'public/health',
    credential: 'none',
    tableAccess: 'none',
    summary: 'Liveness check',
    responses: { 200: { description: 'The API is up.', schema: healthSchema } },
    errors: [],
  },
  openApi: {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    handler: 'public/openapi',
    credential: 'none',
    tableAccess: 'none',
    summary: 'This OpenAPI document',
    responses: { 200: { description: 'The OpenAPI 3.1 document of every route.', schema: openApiDocumentSchema } },
    errors: [],
  },
});
