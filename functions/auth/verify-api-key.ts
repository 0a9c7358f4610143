import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../core/dynamo';
import { getKeyCacheTtlSeconds, getTableName } from '../core/config';
import { digestApiKey, isWellFormedApiKey } from '../core/api-keys';
import { keyLookupFromItem, keyLookupKey, type KeyLookup } from '../core/api-key-records';
import type { ApplicationPrincipal } from './principal';

/**
 * API key verification, the product's hot path. A cache miss costs exactly one GetItem (the key
 * lookup item holds the application's grants in every org); a hit costs no I/O. Entries live
 * `KEY_CACHE_TTL_SECONDS` (default 5), which together with API Gateway's own authorizer cache
 * keeps revocation within the contract's 10 seconds (docs/architecture.md).
 *
 * Misses are cached too, so a flood of one unknown key does not become a flood of reads.
 */

interface CacheEntry {
  lookup: KeyLookup | undefined;
  fetchedAt: number;
}

const MAX_ENTRIES = 10_000;
const cache = new Map<string, CacheEntry>();
const ttlMillis = getKeyCacheTtlSeconds() * 1000;

async function readLookup(digest: string): Promise<KeyLookup | undefined> {
  const result = await ddb.send(new GetCommand({ TableName: getTableName(), Key: keyLookupKey(digest) }));
  return result.Item ? keyLookupFromItem(result.Item) : undefined;
}

async function cachedLookup(digest: string, now: number): Promise<KeyLookup | undefined> {
  const entry = cache.get(digest);
  if (entry && now - entry.fetchedAt < ttlMillis) return entry.lookup;
  const lookup = await readLookup(digest);
  cache.delete(digest);
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(digest, { lookup, fetchedAt: now });
  return lookup;
}

/**
 * Resolves a presented key to its application and grants, or undefined when the key is
 * malformed (no database read), unknown, disabled or expired.
 */
export async function verifyApiKey(candidate: string | undefined, now = Date.now()): Promise<ApplicationPrincipal | undefined> {
  if (!candidate || !isWellFormedApiKey(candidate)) return undefined;
  const lookup = await cachedLookup(digestApiKey(candidate), now);
  if (!lookup || !lookup.enabled) return undefined;
  if (lookup.expiresAt && Date.parse(lookup.expiresAt) <= now) return undefined;
  return {
    type: 'application',
    applicationId: lookup.applicationId,
    keyId: lookup.keyId,
    ownerOrgId: lookup.ownerOrgId,
    grants: lookup.grants,
  };
}

/** Empties the in-process cache (tests and the local server's demo reset). */
export function clearApiKeyCache(): void {
  cache.clear();
}
