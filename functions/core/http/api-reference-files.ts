import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getLambdaTaskRoot } from '../platform/config';
import { API_REFERENCE_ASSETS } from './public-schemas';

/**
 * The API reference page: Swagger UI (from the swagger-ui-dist package), served by this API
 * itself so the page loads nothing from another origin. In Lambda the stack copies the two
 * Swagger UI files beside the function's bundle (lib/function-assets.ts); locally they are read
 * from node_modules.
 */

export type ApiReferenceAsset = (typeof API_REFERENCE_ASSETS)[number];

const CONTENT_TYPES: Record<ApiReferenceAsset, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'init.js': 'text/javascript; charset=utf-8',
};

/** The page. Relative URLs: it works under a stage prefix (`/v1/docs`) and at a domain's root alike. */
export const API_REFERENCE_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Datagate API reference</title>
  <link rel="stylesheet" href="docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="docs/swagger-ui-bundle.js"></script>
  <script src="docs/init.js"></script>
</body>
</html>
`;

/**
 * The page's Content-Security-Policy: its own scripts, styles and the OpenAPI document only, no
 * inline script, and no framing (clickjacking: `frame-ancestors 'none'`, with X-Frame-Options for
 * older browsers). Swagger UI sets styles from script and its stylesheet draws icons from
 * `data:` URIs, hence those two allowances.
 */
export const API_REFERENCE_PAGE_HEADERS = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
} as const;

/** Starts Swagger UI on the OpenAPI document beside the page (a file, not inline: no inline script). */
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: new URL('openapi.json', document.baseURI).href, dom_id: '#swagger-ui', deepLinking: true });
`;

/** Where the Swagger UI files are: beside the bundle in Lambda, in node_modules locally. */
export function swaggerUiDir(): string {
  return getLambdaTaskRoot() ?? join(process.cwd(), 'node_modules', 'swagger-ui-dist');
}

const cache = new Map<ApiReferenceAsset, string>();

export function isApiReferenceAsset(name: string): name is ApiReferenceAsset {
  return (API_REFERENCE_ASSETS as readonly string[]).includes(name);
}

/** An asset's text and media type, read once per container. */
export async function apiReferenceAsset(name: ApiReferenceAsset): Promise<{ body: string; contentType: string }> {
  let body = cache.get(name);
  if (body === undefined) {
    body = name === 'init.js' ? INIT_SCRIPT : await readFile(join(swaggerUiDir(), name), 'utf8');
    cache.set(name, body);
  }
  return { body, contentType: CONTENT_TYPES[name] };
}
