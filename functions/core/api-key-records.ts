import { getTableName } from './config';
import { issueApiKey } from './api-keys';
import { newId } from './ids';
import { ConflictError } from './errors';
import { putNew, type StoredItem, type TransactItem } from './table';
import type { Connection } from './connection-records';
import type { Role } from './roles';

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
}

/** A key in the one response that issues it, with its plaintext. */
export interface IssuedKey extends ApiKey {
  key: string;
}

export interface NewKeyOptions {
  label?: string;
  expiresAt?: string;
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
  grants: Grants;
}

export const keyRecordKey = (applicationId: string, keyId: string) => ({ PK: `APP#${applicationId}`, SK: `KEY#${keyId}` });
export const keyLookupKey = (digest: string) => ({ PK: `KEY#${digest}`, SK: 'KEY' });

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
  const { keyId, applicationId, label, hint, enabled, createdAt, expiresAt, lastUsedAt, replacedBy, revokedAt } =
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
  };
}

export function keyLookupFromItem(item: Record<string, unknown>): KeyLookup {
  const { applicationId, keyId, ownerOrgId, enabled, expiresAt, grants } = item as unknown as KeyLookup;
  return { applicationId, keyId, ownerOrgId, enabled, ...(expiresAt ? { expiresAt } : {}), grants: grants ?? {} };
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
  };
  const lookup: KeyLookup = {
    applicationId: application.applicationId,
    keyId: record.keyId,
    ownerOrgId: application.ownerOrgId,
    enabled: true,
    ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
    grants: grantsOf(connections),
  };
  const recordItem: StoredItem & ApiKey & { digest: string } = {
    ...keyRecordKey(application.applicationId, record.keyId),
    type: 'keyRecord',
    ...record,
    digest: issued.digest,
  };
  const lookupItem: StoredItem & KeyLookup = { ...keyLookupKey(issued.digest), type: 'keyLookup', ...lookup };
  return { items: [putNew(recordItem), putNew(lookupItem)], key: { ...record, key: issued.key } };
}

/**
 * The largest grant snapshot a key lookup may hold, as JSON. It keeps the lookup item far below
 * DynamoDB's 400 KB item limit, keeps the refresh of 20 keys' snapshots within a transaction's
 * 4 MB, and keeps a cache-miss GetItem small: about 1,500 connections without guest lists.
 */
export const MAX_GRANT_SNAPSHOT_BYTES = 100_000;

/** Refuses (409) a change that would make an application's grants outgrow one key lookup item. */
export function assertGrantsFit(grants: Grants): void {
  if (Buffer.byteLength(JSON.stringify(grants)) > MAX_GRANT_SNAPSHOT_BYTES) {
    throw new ConflictError(
      `This application's connections would exceed what one key can carry (${MAX_GRANT_SNAPSHOT_BYTES} bytes of grants); ` +
        'disconnect it from orgs it no longer needs, or shorten guest datasource lists.',
    );
  }
}

/** Rewrites the grant snapshot on each of the given keys' lookups; 409 when the grants outgrow the item. */
export function grantSnapshotUpdates(keys: readonly { digest: string }[], grants: Grants): TransactItem[] {
  assertGrantsFit(grants);
  return keys.map((key) => ({
    Update: {
      TableName: getTableName(),
      Key: keyLookupKey(key.digest),
      UpdateExpression: 'SET grants = :grants',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':grants': grants },
    },
  }));
}
