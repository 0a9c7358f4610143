import { getTableName } from './config';
import { auditEventPut, type Actor } from './audit';
import { NotFoundError } from './errors';
import { assertRoomForKey, changeApplication } from './applications';
import { keyLookupKey, keyRecordKey, newKeyItems, type IssuedKey, type NewKeyOptions } from './api-key-records';

/** Key lifecycle of an application. Each change runs under the application's optimistic lock. */

/** Issues another key for an application; its plaintext is in the result only. */
export async function createKey(applicationId: string, options: NewKeyOptions, actor: Actor, now = new Date()): Promise<IssuedKey> {
  return changeApplication(applicationId, (aggregate) => {
    assertRoomForKey(aggregate);
    const { items, key } = newKeyItems(aggregate.application, options, aggregate.connections, now);
    return {
      items: [...items, auditEventPut(aggregate.application.ownerOrgId, actor, 'key.create', key.keyId, { applicationId, ...(options.label ? { label: options.label } : {}) }, now)],
      result: key,
    };
  });
}

/** Deletes a key: its record and its lookup go together, so it stops verifying at once (modulo caches). */
export async function deleteKey(applicationId: string, keyId: string, actor: Actor, now = new Date()): Promise<void> {
  await changeApplication(applicationId, (aggregate) => {
    const key = aggregate.keys.find((candidate) => candidate.keyId === keyId);
    if (!key) throw new NotFoundError('No such key.');
    const table = getTableName();
    return {
      items: [
        { Delete: { TableName: table, Key: keyRecordKey(applicationId, keyId) } },
        { Delete: { TableName: table, Key: keyLookupKey(key.digest) } },
        auditEventPut(aggregate.application.ownerOrgId, actor, 'key.delete', keyId, { applicationId }, now),
      ],
      result: undefined,
    };
  });
}
