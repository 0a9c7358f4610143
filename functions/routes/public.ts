import {
  apiReferenceAssetParamsSchema,
  healthSchema,
  leakedKeyReportSchema,
  leakedKeyVerdictsSchema,
  openApiDocumentSchema,
  textBodySchema,
} from '../core/http/public-schemas';
import { routeTable } from '../core/http/route';
import { MAX_LEAKED_KEY_CANDIDATES, REVOCATION_SECONDS } from '../core/platform/limits';

/** Public routes: no credential. */
export const publicRoutes = routeTable({
  health: {
    operationId: 'health',
    method: 'GET',
    path: '/health',
    handler: 'public/health',
    credential: 'none',
    tableAccess: 'none',
    summary: 'Liveness and readiness check',
    description:
      'Answers 200 while the API is up. `ready` says whether it is ready for work: under `npm start`, false (with a `message`) until the demo data of a first start is written.',
    responses: { 200: { description: 'The API is up; `ready` says whether it is ready for work.', schema: healthSchema } },
    errors: [],
  },
  reportLeakedKeys: {
    operationId: 'reportLeakedKeys',
    method: 'POST',
    path: '/secret-scanning/leaked-keys',
    handler: 'public/report-leaked-keys',
    credential: 'none',
    tableAccess: 'readWrite',
    secretScannerKeys: true,
    summary: "A secret scanner's report of leaked keys",
    description: [
      "Contract section 8, in the format of GitHub's secret scanning partner programme. Public (no API key, no JWT): the request is authenticated by the scanner's signature, `Github-Public-Key-Signature` (base64 DER ECDSA P-256 / SHA-256 over the raw body) by the key `Github-Public-Key-Identifier` names among the scanner's published keys (fetched from the configured `SECRET_SCANNER_KEYS_URL`, GitHub's by default, and cached). The signature is checked first, before the body is parsed: unsigned, wrongly signed or signed by an unknown key is 401 whatever the body, nothing read. A signed body that is not an array of candidates is 400.",
      `Body: a JSON array of 1 to ${MAX_LEAKED_KEY_CANDIDATES} candidates \`{token, type, url?, source?}\`. Each token that is one of our keys is revoked at once (disabled for good, refused by the data API within ${REVOCATION_SECONDS} seconds) and a \`key.leaked\` event with \`url\`, \`source\` and \`type\` is written in its owner org, with the scanner as actor. A key revoked before is labelled the same, with no second event.`,
      'Answer: `[{token_raw, token_type, label}]`, one per candidate in order, `label` `true_positive` for our keys and `false_positive` for anything else (malformed, unknown, or a deleted key): nothing about any key that was not reported. 503 with `Retry-After` when the published keys cannot be fetched.',
    ].join('\n\n'),
    who: 'a secret scanner, by its signature',
    body: leakedKeyReportSchema,
    responses: { 200: { description: 'One label per candidate.', schema: leakedKeyVerdictsSchema } },
    errors: [400, 401],
  },
  openApi: {
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    handler: 'public/openapi',
    credential: 'none',
    tableAccess: 'none',
    summary: 'This OpenAPI document',
    signInIssuer: true,
    description:
      "The OpenAPI 3.1 document of every route, generated from the route table with the schemas the handlers validate with. `servers` names the base URL it was fetched from; the `personJwt` scheme names the deployment's OIDC issuer. `npm run openapi` prints the same document without starting anything.",
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
    description:
      'The files `/docs` loads (Swagger UI, served by the API itself so the page needs no third-party origin); anything else is 404.',
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
