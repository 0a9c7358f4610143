import { changeApplication } from '../../functions/core/applications';
import { keyDeletes, newKeyItems, type ApiKey, type IssuedKey } from '../../functions/core/applications';

/**
 * The keys `npm start` holds for the demo's applications. A key's plaintext is never stored, so
 * each start needs a fresh one; issuing one as an admin would (createKey) writes an audit event
 * and adds a key, and a start that dies before deleting the previous one leaves it behind until
 * the application's 20-key cap refuses every start. Instead each start replaces, in ONE
 * transaction under the application's lock, every key carrying the demo label with one new
 * key: there is never more than one, whatever happened to earlier starts, and this machinery
 * of the local runtime is not an admin's action, so it writes no audit event.
 */

/**
 * Replaces the application's keys labelled `label` (and the ones `alsoReplace` picks, such as
 * the unused first key of a new application) with one new key labelled so, returned once.
 */
export async function replaceDemoKey(
  applicationId: string,
  label: string,
  alsoReplace: (key: ApiKey) => boolean = () => false,
): Promise<IssuedKey> {
  return changeApplication(applicationId, (aggregate) => {
    const stale = aggregate.keys.filter((key) => key.label === label || alsoReplace(key));
    const removals = stale.flatMap((key) => keyDeletes(applicationId, key));
    const { items, key } = newKeyItems(aggregate.application, { label }, aggregate.connections);
    return { items: [...removals, ...items], result: key };
  });
}
