import { buildOpenApiDocument } from '../functions/core/http/openapi';
import { routeList } from '../functions/routes';

/**
 * `npm run openapi`: prints the OpenAPI document, the API reference, without starting anything:
 * the same document `GET /openapi.json` serves, generated from the route table.
 */
process.stdout.write(`${JSON.stringify(buildOpenApiDocument(routeList), null, 2)}\n`);
