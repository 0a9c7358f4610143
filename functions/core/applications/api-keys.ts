import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../platform/ids';
import { deleteItem, getNow, putNewItem, updateItem, updateNow, type StoredItem, type TransactItem } from '../store/table';
import type { Connection } from './connections';
import type { Role } from '../orgs/roles';
import { APPLICATION_PARTITION_PREFIX, applicationPartition } from './application-partition';

/**
 * The API key: its format, its two stored items, and the reads and writes of those items (the
 * authorizer's lookup and `lastUsedAt` included). The lifecycle of an application's keys (issue,
 * regenerate, update, delete under the application's lock) is in application-keys.ts.
 */

// ---------------------------------------------------------------------------------------------
// Format

/**
 * API key format: `dgk_` + 43 base62 characters (256 random bits) + 6 base62 characters of
 * CRC-32 over the random part. The checksum lets a mistyped or truncated key be refused
 * without a database read, and the fixed prefix and length let secret scanners find leaked keys.
 * Only the SHA-256 digest is stored; the plaintext exists in the one response that issues it.
 */

export const API_KEY_PREFIX = 'dgk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function toBase62(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = BASE62[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(length, '0');
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(randomPart: string): string {
  return toBase62(BigInt(crc32(randomPart)), CHECKSUM_LENGTH);
}

/** A newly issued key: the plaintext (to show once), its digest (to store) and its hint (to list). */
export interface IssuedApiKey {
  key: string;
  digest: string;
  hint: string;
}

/** Issues a new random API key. */
export function issueApiKey(): IssuedApiKey {
  const randomPart = toBase62(BigInt(`0x${randomBytes(32).toString('hex')}`), RANDOM_LENGTH);
  const key = `${API_KEY_PREFIX}${randomPart}${checksum(randomPart)}`;
  return { key, digest: digestApiKey(key), hint: apiKeyHint(key) };
}

/**
 * Whether `candidate` is well formed: prefix, length, alphabet and checksum. A key that fails
 * this is refused without touching the database.
 */
export function isWellFormedApiKey(candidate: string): boolean {
  if (!KEY_PATTERN.test(candidate)) return false;
  const body = candidate.slice(API_KEY_PREFIX.length);
  const randomPart = body.slice(0, RANDOM_LENGTH);
  return checksum(randomPart) === body.slice(RANDOM_LENGTH);
}

/** The one-way digest under which a key is stored and looked up (hex SHA-256). */
export function digestApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What listings show instead of the key: the prefix and the last 4 characters. */
export function apiKeyHint(key: string): string {
  return `${API_KEY_PREFIX}...${key.slice(-4)}`;
}

// ---------------------------------------------------------------------------------------------
// Stored items

/**
 * API keys are stored as two items written together:
 * - the key record, PK `APP#<applicationId>` / SK `KEY#<keyId>`: what admins list and edit;
 * - the key lookup, PK `KEY#<sha256 digest>` / SK `KEY`: everything the authorizer needs to
 *   answer with ONE GetItem: the application, the key's state and a snapshot of the
 *   application's grants in every connected org. Every connection change rewrites the
 *   snapshots of the application's keys in the same transaction.
 */

export interface ApiKey {
  keyId: string;
  applicationId: string;
  label?: string;
  hint: string;
  enabled: boolean;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  /** Set on a key that was regenerated: the id of its successor. */
  replacedBy?: string;
  /** Set on a key revoked as leaked (by a secret scanner or its holder): it stays disabled for good. */
  revokedAt?: string;
  /** The key's IP allowlist (CIDR ranges); absent: any address. */
  allowedCidrs?: string[];
}

/** A key in the one response that issues it, with its plaintext. */
export interface IssuedKey extends ApiKey {
  key: string;
}

export interface NewKeyOptions {
  label?: string;
  expiresAt?: string;
  /** An IP allowlist; empty or absent: any address. */
  allowedCidrs?: string[];
}

/** What an application may do in one org. `datasourceIds` narrows a guest grant. */
export interface Grant {
  roles: Role[];
  datasourceIds?: string[];
}

export type Grants = Record<string, Grant>;

/** The authorizer's view of a key. */
export interface KeyLookup {
  applicationId: string;
  keyId: string;
  ownerOrgId: string;
  enabled: boolean;
  expiresAt?: string;
  /** The key's IP allowlist, enforced by the authorizer; absent: any address. */
  allowedCidrs?: string[];
  /** The application's grant in every org it is connected to; empty when `grantsPerOrg`. */
  grants: Grants;
  /**
   * True when the grants outgrew the snapshot (MAX_GRANT_SNAPSHOT_BYTES): each request's grant is
   * then read from its org's connection (identity/access.ts, cached like the key).
   */
  grantsPerOrg?: true;
}

export const keyRecordKey = (applicationId: string, keyId: string) => ({
  PK: applicationPartition(applicationId),
  SK: `KEY#${keyId}`,
});
export const keyLookupKey = (digest: string) => ({ PK: `KEY#${digest}`, SK: 'KEY' });

/**
 * The partition keys the API-key authorizer may write (`dynamodb:LeadingKeys` of its IAM
 * policy): key records only, in their applications' partitions, for `lastUsedAt`.
 */
export const KEY_RECORD_LEADING_KEYS = [`${APPLICATION_PARTITION_PREFIX}*`];

/** Both items of a key, deleted together: it stops verifying at once (modulo the caches). */
export function keyDeletes(applicationId: string, key: { keyId: string; digest: string }): TransactItem[] {
  return [deleteItem(keyRecordKey(applicationId, key.keyId)), deleteItem(keyLookupKey(key.digest))];
}

/**
 * The authorizer's view of a key by its digest, read strongly consistent: the two caches in
 * front of it already spend the whole 10-second revocation budget, so the read itself must not
 * add replication lag.
 */
export async function readKeyLookup(digest: string): Promise<KeyLookup | undefined> {
  const item = await getNow(keyLookupKey(digest), { consistent: true });
  return item ? keyLookupFromItem(item) : undefined;
}

/**
 * Records a key's use at `at` on its record: never on a deleted key (no resurrected record),
 * never backwards. Resolves false when the condition refused it (another writer got there first
 * with a later time, or the key is gone).
 */
export function writeKeyLastUsed(applicationId: string, keyId: string, at: string): Promise<boolean> {
  return updateNow(
    keyRecordKey(applicationId, keyId),
    { set: { lastUsedAt: at } },
    { condition: 'attribute_exists(PK) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :lastUsedAt)' },
  );
}

/** The grant snapshot for an application's current connections. */
export function grantsOf(connections: readonly Connection[]): Grants {
  return Object.fromEntries(
    connections.map((connection) => [
      connection.orgId,
      { roles: connection.roles, ...(connection.datasourceIds ? { datasourceIds: connection.datasourceIds } : {}) },
    ]),
  );
}

export function keyFromItem(item: Record<string, unknown>): ApiKey {
  const { keyId, applicationId, label, hint, enabled, createdAt, expiresAt, lastUsedAt, replacedBy, revokedAt, allowedCidrs } =
    item as unknown as ApiKey;
  return {
    keyId,
    applicationId,
    ...(label !== undefined ? { label } : {}),
    hint,
    enabled,
    createdAt,
    ...(expiresAt ? { expiresAt } : {}),
    ...(lastUsedAt ? { lastUsedAt } : {}),
    ...(replacedBy ? { replacedBy } : {}),
    ...(revokedAt ? { revokedAt } : {}),
    ...(allowedCidrs?.length ? { allowedCidrs } : {}),
  };
}

function keyLookupFromItem(item: Record<string, unknown>): KeyLookup {
  const { applicationId, keyId, ownerOrgId, enabled, expiresAt, allowedCidrs, grants, grantsPerOrg } =
    item as unknown as KeyLookup;
  return {
    applicationId,
    keyId,
    ownerOrgId,
    enabled,
    ...(expiresAt ? { expiresAt } : {}),
    ...(allowedCidrs?.length ? { allowedCidrs } : {}),
    grants: grants ?? {},
    ...(grantsPerOrg ? { grantsPerOrg } : {}),
  };
}

/** The two new items of a freshly issued key, and the key to show once. */
export function newKeyItems(
  application: { applicationId: string; ownerOrgId: string },
  options: NewKeyOptions,
  connections: readonly Connection[],
  now = new Date(),
): { items: TransactItem[]; key: IssuedKey } {
  const issued = issueApiKey();
  const record: ApiKey = {
    keyId: newId('key'),
    applicationId: application.applicationId,
    ...(options.label !== undefined ? { label: options.label } : {}),
    hint: issued.hint,
    enabled: true,
    createdAt: now.toISOString(),
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    ...(options.allowedCidrs?.length ? { allowedCidrs: options.allowedCidrs } : {}),
  };
  const lookup: KeyLookup = {
    applicationId: application.applicationId,
    keyId: record.keyId,
    ownerOrgId: application.ownerOrgId,
    enabled: true,
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    ...(options.allowedCidrs?.length ? { allowedCidrs: options.allowedCidrs } : {}),
    ...grantSnapshotOf(grantsOf(connections)),
  };
  const recordItem: StoredItem & ApiKey & { digest: string } = {
    ...keyRecordKey(application.applicationId, record.keyId),
    type: 'keyRecord',
    ...record,
    digest: issued.digest,
  };
  const lookupItem: StoredItem & KeyLookup = { ...keyLookupKey(issued.digest), type: 'keyLookup', ...lookup };
  return { items: [putNewItem(recordItem), putNewItem(lookupItem)], key: { ...record, key: issued.key } };
}

/**
 * The largest grant snapshot a key lookup may hold, as JSON. It keeps the lookup item far below
 * DynamoDB's 400 KB item limit, keeps the refresh of 20 keys' snapshots within a transaction's
 * 4 MB, and keeps a cache-miss GetItem small: about 1,500 connections without guest lists. An
 * application whose grants outgrow it (a city's worth: 100 orgs with 100 guest datasources each)
 * is not refused: its keys carry no snapshot, and each request reads the grant of its own org.
 */
export const MAX_GRANT_SNAPSHOT_BYTES = 100_000;

/** What a key lookup holds of `grants`: all of them when they fit, else none and `grantsPerOrg`. */
export function grantSnapshotOf(grants: Grants): Pick<KeyLookup, 'grants' | 'grantsPerOrg'> {
  return Buffer.byteLength(JSON.stringify(grants)) <= MAX_GRANT_SNAPSHOT_BYTES ? { grants } : { grants: {}, grantsPerOrg: true };
}

/**
 * Rewrites the grant snapshot on each of the given keys' lookups: the grants when they fit,
 * otherwise the `grantsPerOrg` mark, so no number of connections can make a change fail.
 */
export function grantSnapshotUpdates(keys: readonly { digest: string }[], grants: Grants): TransactItem[] {
  const snapshot = grantSnapshotOf(grants);
  return keys.map((key) =>
    updateItem(keyLookupKey(key.digest), { set: { grants: snapshot.grants, grantsPerOrg: snapshot.grantsPerOrg ?? null } }),
  );
}
