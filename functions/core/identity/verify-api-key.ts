import { getKeyCacheTtlSeconds } from '../platform/config';
import { digestApiKey, isWellFormedApiKey, readKeyLookup, writeKeyLastUsed, type KeyLookup } from '../applications';
import type { VerificationOutcome } from '../observability/metric-names';
import type { ApplicationPrincipal } from './principal';

/**
 * API key verification, the product's hot path. A cache miss costs exactly one GetItem (the key
 * lookup item holds the application's grants in every org, or, for an application whose grants
 * outgrew it, the `grantsPerOrg` mark: identity/access.ts then reads the request's org's grant);
 * a hit costs no I/O. Entries live
 * `KEY_CACHE_TTL_SECONDS` (default 5), which together with API Gateway's own authorizer cache
 * keeps revocation within the contract's 10 seconds (docs/architecture.md).
 *
 * Misses are cached too, so a flood of one unknown key does not become a flood of reads.
 *
 * `lastUsedAt` is kept current to within a minute without a write per request: each container
 * writes it at most once a minute per key (so a key used 10,000 times a second costs one write
 * a minute per warm container, never a hot item). The write starts in the background; the
 * authorizer awaits `settleKeyBookkeeping()` before it answers, because Lambda freezes a
 * container between invocations and a write left in flight would be lost or arrive late.
 */

interface CacheEntry {
  lookup: KeyLookup | undefined;
  fetchedAt: number;
}

const MAX_ENTRIES = 10_000;
/** A container writes a key's `lastUsedAt` at most this often. */
export const LAST_USED_INTERVAL_MS = 60_000;
const cache = new Map<string, CacheEntry>();
const lastUseWritten = new Map<string, number>();
const pendingWrites = new Set<Promise<void>>();
const ttlMillis = getKeyCacheTtlSeconds() * 1000;

/** Inserts into a bounded map, dropping the oldest entry when full. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, value);
}

function recordUse(lookup: KeyLookup, now: number): void {
  if (now - (lastUseWritten.get(lookup.keyId) ?? -Infinity) < LAST_USED_INTERVAL_MS) return;
  remember(lastUseWritten, lookup.keyId, now);
  // Not awaited: bookkeeping never delays a verification. A write that failed for a transient
  // reason is retried on next use; one refused by its condition (another container wrote a
  // later time) is not, or this container would write on every request.
  const write = writeKeyLastUsed(lookup.applicationId, lookup.keyId, new Date(now).toISOString())
    .then(
      () => undefined,
      () => {
        lastUseWritten.delete(lookup.keyId);
      },
    )
    .finally(() => pendingWrites.delete(write));
  pendingWrites.add(write);
}

/**
 * Waits for the `lastUsedAt` writes in flight (at most one per key a minute; they never fail).
 * The authorizer calls it before answering, so no write is frozen with the container.
 */
export async function settleKeyBookkeeping(): Promise<void> {
  await Promise.all(pendingWrites);
}

async function cachedLookup(digest: string, now: number): Promise<{ lookup: KeyLookup | undefined; fromCache: boolean }> {
  const entry = cache.get(digest);
  if (entry && now - entry.fetchedAt < ttlMillis) return { lookup: entry.lookup, fromCache: true };
  const lookup = await readKeyLookup(digest);
  remember(cache, digest, { lookup, fetchedAt: now });
  return { lookup, fromCache: false };
}

/** A verified key: the principal the handlers get, and the key's IP allowlist (the authorizer's to enforce). */
export type VerifiedKey = ApplicationPrincipal & { allowedCidrs?: readonly string[] };

/**
 * Resolves a presented key to its application and grants, or undefined when the key is
 * malformed (no database read), unknown, disabled or expired. `onOutcome` hears which
 * (`hit` and `miss`: a valid key found in the in-process cache or read from the table).
 */
export async function verifyApiKey(
  candidate: string | undefined,
  now = Date.now(),
  onOutcome?: (outcome: VerificationOutcome) => void,
): Promise<VerifiedKey | undefined> {
  if (!candidate || !isWellFormedApiKey(candidate)) {
    onOutcome?.('badChecksum');
    return undefined;
  }
  const { lookup, fromCache } = await cachedLookup(digestApiKey(candidate), now);
  const refusal: VerificationOutcome | undefined = !lookup
    ? 'unknownKey'
    : !lookup.enabled
      ? 'disabled'
      : lookup.expiresAt && Date.parse(lookup.expiresAt) <= now
        ? 'expired'
        : undefined;
  onOutcome?.(refusal ?? (fromCache ? 'hit' : 'miss'));
  if (refusal || !lookup) return undefined;
  recordUse(lookup, now);
  return {
    type: 'application',
    applicationId: lookup.applicationId,
    keyId: lookup.keyId,
    ownerOrgId: lookup.ownerOrgId,
    grants: lookup.grants,
    ...(lookup.grantsPerOrg ? { grantsPerOrg: true } : {}),
    ...(lookup.allowedCidrs ? { allowedCidrs: lookup.allowedCidrs } : {}),
  };
}

/** Empties the in-process cache (tests and the local server's demo reset). */
export function clearApiKeyCache(): void {
  cache.clear();
  lastUseWritten.clear();
}
