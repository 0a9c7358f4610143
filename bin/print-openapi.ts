import { closeSync, fstatSync, openSync, readSync, writeSync, ftruncateSync } from 'node:fs';
import { buildOpenApiDocument } from '../functions/core/http/openapi';
import { routeList } from '../functions/routes';

/**
 * `npm run openapi`: prints the OpenAPI document, the API reference, without starting anything:
 * the same document `GET /openapi.json` serves, generated from the route table (people's issuer
 * from `OIDC_ISSUER` when set, else the local one of `npm start`).
 *
 * `npm run openapi > openapi.json` writes the document only: npm prints its `> datagate openapi`
 * banner to the same file first, and when stdout is a file holding exactly that banner, the
 * document replaces it. Into a pipe, use `npm run -s openapi | jq .` (`-s` drops the banner).
 */
const text = `${JSON.stringify(buildOpenApiDocument(routeList, { issuer: process.env.OIDC_ISSUER || undefined }), null, 2)}\n`;

/** What npm wrote to the file before this script ran, when it is only its run-script banner. */
function npmBannerOnly(): boolean {
  try {
    const { size } = fstatSync(1);
    if (!fstatSync(1).isFile() || size === 0 || size > 4096) return false;
    const buffer = Buffer.alloc(size);
    const file = openSync(`/dev/fd/1`, 'r');
    try {
      readSync(file, buffer, 0, size, 0);
    } finally {
      closeSync(file);
    }
    return /^\n(?:> [^\n]*\n)+\n?$/.test(buffer.toString('utf8'));
  } catch {
    return false;
  }
}

if (npmBannerOnly()) {
  ftruncateSync(1, 0);
  writeSync(1, text, 0);
} else {
  process.stdout.write(text);
}
