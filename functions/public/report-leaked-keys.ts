import type { APIGatewayProxyEvent } from 'aws-lambda';
import { publicRoutes } from '../routes/public';
import { definePublicRoute } from '../core/http/define-public-route';
import { ok } from '../core/http/reply';
import { headerValue } from '../core/http/headers';
import { getSecretScannerKeysUrl } from '../core/platform/config';
import { ServiceUnavailableError, UnauthorizedError } from '../core/platform/errors';
import { revokeReportedKey, type LeakReport } from '../core/applications';
import {
  createScannerKeySource,
  KEY_IDENTIFIER_HEADER,
  SIGNATURE_HEADER,
  verifyScannerRequest,
  type ScannerKeySource,
} from '../core/identity/secret-scanner-signature';

/** Candidates revoked at once: enough to answer a large batch quickly, few enough to stay polite to DynamoDB. */
const CONCURRENCY = 8;

let keySource: ScannerKeySource | undefined;

/** The scanner's published keys, fetched on first use and cached for the container's life (see the module). */
function scannerKeys(): ScannerKeySource {
  keySource ??= createScannerKeySource({ url: getSecretScannerKeysUrl() });
  return keySource;
}

/** Runs `work` over `items`, at most `limit` at a time, keeping the order of the answers. */
async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The scanner's signature over the raw body, checked against its published keys before the body
 * is parsed or anything is read: an unsigned request learns nothing, not even whether its body
 * has the right shape.
 */
async function verifyScannerSignature(event: APIGatewayProxyEvent): Promise<void> {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  let verdict;
  try {
    verdict = await verifyScannerRequest(scannerKeys(), raw, {
      signature: headerValue(event.headers, SIGNATURE_HEADER),
      keyIdentifier: headerValue(event.headers, KEY_IDENTIFIER_HEADER),
    });
  } catch {
    // The scanner's keys document could not be fetched: the scanner retries later.
    throw new ServiceUnavailableError(60);
  }
  if (verdict !== 'valid') throw new UnauthorizedError('The report is not signed by a key the secret scanner publishes.');
}

/**
 * A secret scanner's report of leaked keys (GitHub's partner programme format): the signature
 * over the raw body is checked first (`verifyScannerSignature`), then the body is validated; each
 * real key is revoked, and the answer labels every candidate.
 */
export const handler = definePublicRoute(
  publicRoutes.reportLeakedKeys,
  async ({ body }) => {
    const actor = { type: 'secretScanner' as const, id: new URL(getSecretScannerKeysUrl()).host };
    const verdicts = await mapBounded(body as LeakReport[], CONCURRENCY, async (candidate) => ({
      token_raw: candidate.token,
      token_type: candidate.type ?? '',
      label: await revokeReportedKey(candidate, actor),
    }));
    return ok(verdicts);
  },
  verifyScannerSignature,
);
