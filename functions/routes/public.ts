import { apiReferenceAssetParamsSchema, healthSchema, openApiDocumentSchema, textBodySchema } from '../public/schemas';
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
  apiReference: {
    operationId: 'getApiReference',
    method: 'GET',
    path: '/docs',
    handler: 'public/api-reference-page',
    credential: 'none',
    tableAccess: 'none',
    summary: 'The API reference: this OpenAPI document in Swagger UI',
    description:
      'An HTML page served from this API, with its scripts and styles (no third-party origin); it reads `/openapi.json`.',
    responses: { 200: { description: 'The API reference page.', contentType: 'text/html', schema: textBodySchema } },
    errors: [],
  },
  apiReferenceAsset: {
    operationId: 'getApiReferenceAsset',
    method: 'GET',
    path: '/docs/{asset}',
    handler: 'public/api-reference-asset',
    credential: 'none',
    tableAccess: 'none',
    summary: 'A script or style sheet of the API reference page',
    params: apiReferenceAssetParamsSchema,
    responses: {
      200: {
        description: 'The file (`swagger-ui-bundle.js`, `swagger-ui.css` or `init.js`).',
        contentType: 'text/javascript',
        schema: textBodySchema,
        mediaTypes: { 'text/css': { schema: textBodySchema } },
      },
    },
    errors: [404],
  },
});
