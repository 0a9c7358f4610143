import { buildOpenApiDocument } from '../functions/core/http/openapi';
import { routeList } from '../functions/routes';
import { lintOpenApiDocument } from './openapi-linters';

/**
 * Part of `npm run lint`: the OpenAPI document through Redocly's recommended rules and
 * Spectral's `spectral:oas` (bin/openapi-linters.ts); any error or warning fails. With a URL
 * argument it lints the document served there (`tsx bin/lint-openapi.ts http://127.0.0.1:3000/openapi.json`
 * against `npm start`); without, the one the route table generates, with `servers` as a
 * deployment serves it.
 */
const url = process.argv[2];
const document = url
  ? await (await fetch(url)).json()
  : {
      ...buildOpenApiDocument(routeList),
      servers: [{ url: 'https://api.datagate.example/v1', description: 'This deployment.' }],
    };
const problems = await lintOpenApiDocument(document);
for (const problem of problems) console.error(problem);
if (problems.length > 0) process.exit(1);
console.log('OpenAPI document: Redocly recommended and spectral:oas, 0 errors, 0 warnings.');
