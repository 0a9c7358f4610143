import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as z from '../platform/zod';

/**
 * Verifies requests of a secret scanner in the format of GitHub's secret scanning partner
 * programme: the raw request body is signed with ECDSA P-256 / SHA-256, the DER signature is
 * sent base64 in `Github-Public-Key-Signature`, and `Github-Public-Key-Identifier` names the
 * key among the scanner's published public keys (`{public_keys: [{key_identifier, key, is_current}]}`,
 * a PEM each), fetched from a configured URL and cached.
 *
 * The pure parts (document parsing, one signature check) take no I/O; `createScannerKeySource`
 * adds the fetch with its cache.
 */

export const SIGNATURE_HEADER = 'github-public-key-signature';
export const KEY_IDENTIFIER_HEADER = 'github-public-key-identifier';

/** The published keys document, as GitHub serves it at `api.github.com/meta/public_keys/secret_scanning`. */
export const scannerKeysDocumentSchema = z.object({
  public_keys: z
    .array(
      z.object({
        key_identifier: z.string().check(z.minLength(1), z.maxLength(200)),
        key: z.string().check(z.minLength(1), z.maxLength(10_000)),
        is_current: z.optional(z.boolean()),
      }),
    )
    .check(z.maxLength(100)),
});

export type ScannerKeysDocument = z.infer<typeof scannerKeysDocumentSchema>;

/** The usable keys of a document, by identifier: entries that are not EC P-256 public keys are dropped. */
export function parseScannerKeys(document: unknown): Map<string, KeyObject> {
  const parsed = scannerKeysDocumentSchema.safeParse(document);
  if (!parsed.success) throw new Error('The secret scanner keys document is not of the expected shape.');
  const keys = new Map<string, KeyObject>();
  for (const entry of parsed.data.public_keys) {
    try {
      const key = createPublicKey(entry.key);
      if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
        keys.set(entry.key_identifier, key);
    } catch {
      // One unreadable entry must not make the scanner's other keys unusable.
    }
  }
  return keys;
}

/** Base64 as RFC 4648 writes it (padding optional); DER signatures of P-256 are at most 72 bytes. */
const BASE64_SIGNATURE = /^[A-Za-z0-9+/]{8,200}={0,2}$/;

/**
 * Whether `signature` (base64 of a DER ECDSA signature) is `publicKey`'s signature of exactly
 * the bytes of `rawBody`. Never throws: anything malformed is simply not a valid signature.
 */
export function isValidScannerSignature(rawBody: string | Buffer, signature: string, publicKey: KeyObject): boolean {
  if (!BASE64_SIGNATURE.test(signature)) return false;
  try {
    const bytes = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
    return verify('sha256', bytes, { key: publicKey, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

/** Where the scanner's keys come from and how long they are trusted. */
export interface ScannerKeySourceOptions {
  url: string;
  /** How long a fetched document is used before it is fetched again. */
  ttlMs?: number;
  /**
   * At most one fetch this often for an identifier the cached document lacks (a key the scanner
   * just rotated in), so a flood of requests naming made-up identifiers cannot become a flood
   * of fetches.
   */
  minRefetchMs?: number;
  fetchDocument?: (url: string) => Promise<unknown>;
  now?: () => number;
}

export interface ScannerKeySource {
  /** The key with this identifier, or undefined if the scanner does not publish one. Throws when the document cannot be fetched. */
  keyFor(identifier: string): Promise<KeyObject | undefined>;
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3000) });
  if (!response.ok) throw new Error(`The secret scanner keys document answered HTTP ${response.status}.`);
  return response.json();
}

/** A cached view of the scanner's published keys. */
export function createScannerKeySource(options: ScannerKeySourceOptions): ScannerKeySource {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const minRefetchMs = options.minRefetchMs ?? 60_000;
  const fetchDocument = options.fetchDocument ?? fetchJson;
  const now = options.now ?? Date.now;
  let cached: { keys: Map<string, KeyObject>; fetchedAt: number } | undefined;
  let inFlight: Promise<Map<string, KeyObject>> | undefined;

  const refresh = () => {
    inFlight ??= fetchDocument(options.url)
      .then((document) => {
        const keys = parseScannerKeys(document);
        cached = { keys, fetchedAt: now() };
        return keys;
      })
      .finally(() => (inFlight = undefined));
    return inFlight;
  };

  return {
    async keyFor(identifier) {
      const age = cached ? now() - cached.fetchedAt : Infinity;
      if (!cached || age >= ttlMs) return (await refresh()).get(identifier);
      const key = cached.keys.get(identifier);
      if (key || age < minRefetchMs) return key;
      return (await refresh()).get(identifier);
    },
  };
}

/** The outcome of checking a scanner's request; only `valid` lets it through. */
export type ScannerVerdict = 'valid' | 'unsigned' | 'unknown-key' | 'bad-signature';

/** Checks a request's signature headers against the scanner's keys. */
export async function verifyScannerRequest(
  source: ScannerKeySource,
  rawBody: string | Buffer,
  headers: { signature: string | undefined; keyIdentifier: string | undefined },
): Promise<ScannerVerdict> {
  const { signature, keyIdentifier } = headers;
  if (!signature || !keyIdentifier || keyIdentifier.length > 200) return 'unsigned';
  const key = await source.keyFor(keyIdentifier);
  if (!key) return 'unknown-key';
  return isValidScannerSignature(rawBody, signature, key) ? 'valid' : 'bad-signature';
}
