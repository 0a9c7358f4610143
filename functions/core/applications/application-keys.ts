import { auditEventPut, type Actor } from '../orgs/audit';
import { BadRequestError, ConflictError, NotFoundError } from '../platform/errors';
import { assertRoomForKey, changeApplication, loadApplication, type ApplicationAggregate } from './applications';
import {
  digestApiKey,
  isWellFormedApiKey,
  keyDeletes,
  keyLookupKey,
  keyRecordKey,
  newKeyItems,
  readKeyLookup,
  type ApiKey,
  type IssuedKey,
  type NewKeyOptions,
} from './api-keys';
import { updateItem, type TransactItem } from '../store/table';

/**
 * Key lifecycle of an application. Each change runs under the application's optimistic lock
 * and writes the key record and the key lookup together, so what admins see and what the
 * authorizer enforces never disagree.
 */

/** Seconds a key lookup lingers after its key expired before DynamoDB's TTL removes it. */
const EXPIRED_LOOKUP_RETENTION_SECONDS = 7 * 24 * 3600;

type StoredKey = ApplicationAggregate['keys'][number];

function findKey(aggregate: ApplicationAggregate, keyId: string): StoredKey {
  const key = aggregate.keys.find((candidate) => candidate.keyId === keyId);
  if (!key) throw new NotFoundError('No such key.');
  return key;
}

const publicKey = ({ digest: _digest, ...key }: StoredKey): ApiKey => key;

function assertFuture(expiresAt: string | undefined, now: Date): void {
  if (expiresAt && Date.parse(expiresAt) <= now.getTime()) {
    throw new BadRequestError('expiresAt must be in the future.', [{ path: 'expiresAt', message: 'Must be later than now.' }]);
  }
}

/** The key fields the authorizer enforces, hence kept on the key lookup as well as the record. */
const ENFORCED_FIELDS = new Set(['enabled', 'expiresAt', 'allowedCidrs']);

/**
 * Sets fields on a key's record and, for the ones the authorizer enforces (`enabled`,
 * `expiresAt`, `allowedCidrs`), on its lookup too; `ttl` lets DynamoDB remove an expired lookup. A null field
 * (or ttl) is removed.
 */
function updateBothItems(
  applicationId: string,
  key: StoredKey,
  fields: Record<string, unknown>,
  ttl?: number | null,
): TransactItem[] {
  const enforced = Object.fromEntries(Object.entries(fields).filter(([field]) => ENFORCED_FIELDS.has(field)));
  const items = [updateItem(keyRecordKey(applicationId, key.keyId), { set: fields })];
  if (Object.keys(enforced).length > 0)
    items.push(updateItem(keyLookupKey(key.digest), { set: { ...enforced, ...(ttl !== undefined ? { ttl } : {}) } }));
  return items;
}

/** The keys of an application of `ownerOrgId` (hints only); 404 for another org's. */
export async function listKeys(ownerOrgId: string, applicationId: string): Promise<ApiKey[]> {
  const aggregate = await loadApplication(applicationId);
  if (!aggregate || aggregate.application.ownerOrgId !== ownerOrgId) throw new NotFoundError('No such application in this org.');
  return aggregate.keys.map(publicKey);
}

/** Issues another key for an application; its plaintext is in the result only. */
export async function createKey(
  ownerOrgId: string,
  applicationId: string,
  options: NewKeyOptions,
  actor: Actor,
  now = new Date(),
): Promise<IssuedKey> {
  assertFuture(options.expiresAt, now);
  return changeApplication(
    applicationId,
    (aggregate) => {
      assertRoomForKey(aggregate);
      const { items, key } = newKeyItems(aggregate.application, options, aggregate.connections, now);
      return {
        items: [
          ...items,
          auditEventPut(
            aggregate.application.ownerOrgId,
            actor,
            'key.create',
            key.keyId,
            {
              applicationId,
              ...(options.label !== undefined ? { label: options.label } : {}),
              ...(options.expiresAt ? { expiresAt: options.expiresAt } : {}),
              ...(options.allowedCidrs?.length ? { allowedCidrs: options.allowedCidrs } : {}),
            },
            now,
          ),
        ],
        result: key,
      };
    },
    { ownedBy: ownerOrgId },
  );
}

/**
 * Regenerates a key: a successor is issued (same label, same IP allowlist) and the old key stops at once
 * (`graceSeconds` 0: deleted) or at now + grace (it gets that expiry, unless it expires
 * sooner anyway). A key can be regenerated once: a second regeneration of the same key, even
 * a concurrent one, finds it replaced (409) or gone (404), so there is exactly one successor.
 */
export async function regenerateKey(
  ownerOrgId: string,
  applicationId: string,
  keyId: string,
  graceSeconds: number,
  actor: Actor,
  now = new Date(),
): Promise<IssuedKey> {
  return changeApplication(
    applicationId,
    (aggregate) => {
      const old = findKey(aggregate, keyId);
      if (old.replacedBy) throw new ConflictError(`This key was already regenerated (its successor is ${old.replacedBy}).`);
      if (graceSeconds > 0) assertRoomForKey(aggregate);
      const { items, key } = newKeyItems(
        aggregate.application,
        {
          ...(old.label !== undefined ? { label: old.label } : {}),
          ...(old.allowedCidrs ? { allowedCidrs: old.allowedCidrs } : {}),
        },
        aggregate.connections,
        now,
      );
      let retire: TransactItem[];
      if (graceSeconds === 0) {
        retire = keyDeletes(applicationId, old);
      } else {
        const graceEnd = now.getTime() + graceSeconds * 1000;
        const end = old.expiresAt ? Math.min(Date.parse(old.expiresAt), graceEnd) : graceEnd;
        const expiresAt = new Date(end).toISOString();
        retire = updateBothItems(
          applicationId,
          old,
          { expiresAt, replacedBy: key.keyId },
          Math.ceil(end / 1000) + EXPIRED_LOOKUP_RETENTION_SECONDS,
        );
      }
      return {
        items: [
          ...items,
          ...retire,
          auditEventPut(
            aggregate.application.ownerOrgId,
            actor,
            'key.regenerate',
            keyId,
            { applicationId, successorKeyId: key.keyId, graceSeconds },
            now,
          ),
        ],
        result: key,
      };
    },
    { ownedBy: ownerOrgId },
  );
}

/**
 * Enables, disables or relabels a key, sets or clears its expiry (`expiresAt: null`), or
 * replaces or clears its IP allowlist (`allowedCidrs`: null or []). A key
 * in its grace period after a regeneration keeps an expiry: it can be moved (to stop the old key
 * sooner, or later) but not cleared (409).
 */
export async function updateKey(
  ownerOrgId: string,
  applicationId: string,
  keyId: string,
  requested: { enabled?: boolean; label?: string; expiresAt?: string | null; allowedCidrs?: string[] | null },
  actor: Actor,
  now = new Date(),
): Promise<ApiKey> {
  // An empty allowlist is no allowlist: stored as absent, like null.
  const changes = requested.allowedCidrs?.length === 0 ? { ...requested, allowedCidrs: null } : requested;
  assertFuture(changes.expiresAt ?? undefined, now);
  return changeApplication(
    applicationId,
    (aggregate) => {
      const key = findKey(aggregate, keyId);
      if (key.revokedAt && (changes.enabled === true || changes.expiresAt !== undefined)) {
        throw new ConflictError('This key was revoked as leaked: it cannot be switched back on; regenerate it instead.');
      }
      if (changes.expiresAt === null && key.replacedBy) {
        throw new ConflictError('A regenerated key stops at the end of its grace period; its expiry can be moved, not removed.');
      }
      const ttl =
        changes.expiresAt === undefined
          ? undefined
          : changes.expiresAt === null
            ? null
            : Math.ceil(Date.parse(changes.expiresAt) / 1000) + EXPIRED_LOOKUP_RETENTION_SECONDS;
      const { expiresAt: current, allowedCidrs: currentCidrs, ...unchanged } = publicKey(key);
      const { expiresAt: requestedExpiry, allowedCidrs: requestedCidrs, ...otherChanges } = changes;
      const expiresAt = requestedExpiry === undefined ? current : (requestedExpiry ?? undefined);
      const allowedCidrs = requestedCidrs === undefined ? currentCidrs : (requestedCidrs ?? undefined);
      const result: ApiKey = {
        ...unchanged,
        ...otherChanges,
        ...(expiresAt ? { expiresAt } : {}),
        ...(allowedCidrs ? { allowedCidrs } : {}),
      };
      return {
        items: [
          ...updateBothItems(applicationId, key, changes, ttl),
          auditEventPut(aggregate.application.ownerOrgId, actor, 'key.update', keyId, { applicationId, ...changes }, now),
        ],
        result,
      };
    },
    { ownedBy: ownerOrgId },
  );
}

/** Deletes a key: record and lookup go together, so it stops verifying at once (modulo caches). */
export async function deleteKey(
  ownerOrgId: string,
  applicationId: string,
  keyId: string,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  await changeApplication(
    applicationId,
    (aggregate) => {
      const key = findKey(aggregate, keyId);
      return {
        items: [
          ...keyDeletes(applicationId, key),
          auditEventPut(aggregate.application.ownerOrgId, actor, 'key.delete', keyId, { applicationId }, now),
        ],
        result: undefined,
      };
    },
    { ownedBy: ownerOrgId },
  );
}

// ---------------------------------------------------------------------------------------------
// Revocation of leaked keys

/**
 * Revocation of leaked keys: by a secret scanner that found them somewhere public, or by the
 * key's own holder ("I just pasted it somewhere"). A revoked key is disabled on its record and
 * on its lookup in one transaction under the application's lock, with `revokedAt` set so no
 * admin can switch it back on or move its expiry (`updateKey` refuses: it must be regenerated),
 * and an audit event in the owner org says who revoked it and where it was found. The data API
 * refuses it within the revocation bound (the authorizer's caches).
 *
 * A report never tells the reporter anything beyond "this candidate is one of ours": a
 * malformed or unknown token, or one of a deleted key, is simply not one of ours.
 */

export type LeakVerdict = 'true_positive' | 'false_positive';

/** Where a scanner found a key, as it reported it (bounded by the route's schema). */
export interface LeakReport {
  token: string;
  type?: string;
  url?: string;
  source?: string;
}

/** The outcome of revoking one key. */
export interface Revocation {
  applicationId: string;
  keyId: string;
  revokedAt: string;
  /** False when the key had been revoked before: nothing was written this time. */
  changed: boolean;
}

class AlreadyRevoked extends Error {
  constructor(readonly revokedAt: string) {
    super('already revoked');
  }
}

/**
 * Revokes the key `keyId` of `applicationId` whose digest is `digest`, recording `action` with
 * `details` in the owner org. Idempotent: a revoked key is answered as such, without a second
 * event. 404 when the key (or its application) is gone.
 */
async function revoke(
  target: { applicationId: string; keyId: string; digest: string },
  action: 'key.leaked' | 'key.revoke',
  actor: Actor,
  details: Record<string, unknown>,
  now: Date,
): Promise<Revocation> {
  const { applicationId, keyId, digest } = target;
  const revokedAt = now.toISOString();
  try {
    await changeApplication(applicationId, (aggregate) => {
      const key = aggregate.keys.find((candidate) => candidate.keyId === keyId && candidate.digest === digest);
      if (!key) throw new NotFoundError('No such key.');
      if (key.revokedAt) throw new AlreadyRevoked(key.revokedAt);
      return {
        items: [
          updateItem(keyRecordKey(applicationId, keyId), { set: { enabled: false, revokedAt } }),
          updateItem(keyLookupKey(digest), { set: { enabled: false, revokedAt } }),
          auditEventPut(
            aggregate.application.ownerOrgId,
            actor,
            action,
            keyId,
            { applicationId, hint: key.hint, ...details },
            now,
          ),
        ],
        result: undefined,
      };
    });
    return { applicationId, keyId, revokedAt, changed: true };
  } catch (error) {
    if (error instanceof AlreadyRevoked) return { applicationId, keyId, revokedAt: error.revokedAt, changed: false };
    throw error;
  }
}

/**
 * A scanner's report of one candidate token: if it is one of our keys (well formed, checksum
 * right, its lookup present), the key is revoked and an event `key.leaked` with where it was
 * found is written in its owner org. A key that is disabled or expired is revoked all the same:
 * an admin could otherwise switch it back on or extend it.
 */
export async function revokeReportedKey(report: LeakReport, actor: Actor, now = new Date()): Promise<LeakVerdict> {
  if (!isWellFormedApiKey(report.token)) return 'false_positive';
  const digest = digestApiKey(report.token);
  const lookup = await readKeyLookup(digest);
  if (!lookup) return 'false_positive';
  try {
    await revoke(
      { applicationId: lookup.applicationId, keyId: lookup.keyId, digest },
      'key.leaked',
      actor,
      {
        ...(report.url !== undefined ? { url: report.url } : {}),
        ...(report.source !== undefined ? { source: report.source } : {}),
        ...(report.type !== undefined ? { type: report.type } : {}),
      },
      now,
    );
    return 'true_positive';
  } catch (error) {
    // Deleted between the read and the revocation: no longer one of ours.
    if (error instanceof NotFoundError) return 'false_positive';
    throw error;
  }
}

/** The holder of a key revokes it (`POST /v2/keys/revoke`); the event `key.revoke` names the application. */
export function revokeOwnKey(
  principal: { applicationId: string; keyId: string },
  presentedKey: string,
  actor: Actor,
  now = new Date(),
): Promise<Revocation> {
  return revoke({ ...principal, digest: digestApiKey(presentedKey) }, 'key.revoke', actor, { by: 'holder' }, now);
}
