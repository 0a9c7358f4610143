import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import { digestApiKey, isWellFormedApiKey } from './api-keys';
import { keyLookupFromItem, keyLookupKey, keyRecordKey } from './api-key-records';
import { auditEventPut, type Actor } from './audit';
import { changeApplication } from './applications';
import { setFields } from './table';
import { NotFoundError } from './errors';

/**
 * Revocation of leaked keys: by a secret scanner that found them somewhere public, or by the
 * key's own holder ("I just pasted it somewhere"). A revoked key is disabled on its record and
 * on its lookup in one transaction under the application's lock, with `revokedAt` set so no
 * admin can switch it back on or move its expiry (it must be regenerated), and an audit event
 * in the owner org says who revoked it and where it was found. The data API refuses it within
 * the revocation bound (the authorizer caches, 10 seconds).
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
  applicationId: string,
  keyId: string,
  digest: string,
  action: 'key.leaked' | 'key.revoke',
  actor: Actor,
  details: Record<string, unknown>,
  now: Date,
): Promise<Revocation> {
  const revokedAt = now.toISOString();
  try {
    await changeApplication(applicationId, (aggregate) => {
      const key = aggregate.keys.find((candidate) => candidate.keyId === keyId && candidate.digest === digest);
      if (!key) throw new NotFoundError('No such key.');
      if (key.revokedAt) throw new AlreadyRevoked(key.revokedAt);
      return {
        items: [
          setFields(keyRecordKey(applicationId, keyId), { enabled: false, revokedAt }),
          setFields(keyLookupKey(digest), { enabled: false, revokedAt }),
          auditEventPut(aggregate.application.ownerOrgId, actor, action, keyId, { applicationId, hint: key.hint, ...details }, now),
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
  const found = await ddb.send(new GetCommand({ TableName: getTableName(), Key: keyLookupKey(digest), ConsistentRead: true }));
  if (!found.Item) return 'false_positive';
  const lookup = keyLookupFromItem(found.Item);
  try {
    await revoke(
      lookup.applicationId,
      lookup.keyId,
      digest,
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
export async function revokeOwnKey(
  principal: { applicationId: string; keyId: string },
  presentedKey: string,
  actor: Actor,
  now = new Date(),
): Promise<Revocation> {
  return revoke(principal.applicationId, principal.keyId, digestApiKey(presentedKey), 'key.revoke', actor, { by: 'holder' }, now);
}
