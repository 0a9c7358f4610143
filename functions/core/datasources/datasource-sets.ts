import { createHash } from 'node:crypto';
import { BadRequestError } from '../platform/errors';
import { getNow, putNow, type StoredItem } from '../store/table';

/**
 * Datasource sets: the `datasourceIds` of a recent-measurements query too long to travel in a
 * continuation token (more than INLINE_IDS; a token is a header, and headers are a few KB). The
 * token carries the set's digest instead; the set is stored once under it.
 * Key: PK `DSSET#<sha256 of the ids, sorted, newline-joined>`, SK `DSSET`. Content-addressed, so
 * writing it again is harmless and a token cannot name a set it did not create. Kept 25 hours
 * (a token lives 24).
 */

/** Ids a token carries itself; longer lists go to a stored set. */
export const INLINE_IDS = 100;
const LIFETIME_MS = 25 * 3_600_000;

const digestOf = (datasourceIds: readonly string[]) =>
  createHash('sha256')
    .update([...datasourceIds].sort().join('\n'))
    .digest('base64url');
const setKey = (digest: string) => ({ PK: `DSSET#${digest}`, SK: 'DSSET' });

/** Stores the set (idempotent) and returns its digest. */
export async function saveDatasourceSet(datasourceIds: readonly string[], now = Date.now()): Promise<string> {
  const digest = digestOf(datasourceIds);
  await putNow({
    ...setKey(digest),
    type: 'datasourceSet',
    datasourceIds: [...datasourceIds],
    ttl: Math.floor((now + LIFETIME_MS) / 1000),
  } as StoredItem);
  return digest;
}

/** The ids of a stored set; 400 when it is gone (its token expired) or never existed. */
export async function loadDatasourceSet(digest: string): Promise<string[]> {
  const ids = (await getNow(setKey(digest), { consistent: true }))?.datasourceIds as string[] | undefined;
  if (!ids || digestOf(ids) !== digest) {
    throw new BadRequestError('continuationToken is not valid: its datasource list has expired. Send the query again.');
  }
  return ids;
}
