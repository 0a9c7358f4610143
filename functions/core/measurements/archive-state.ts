import { getNow, queryPage, updateNow, UPSERT } from '../store/table';

/**
 * The archiver's bookkeeping, one item per org that ever ingested: PK `ARCHIVE`, SK
 * `ORG#<orgId>`, with `mark` (the receipt position, as in GSI1, up to which every measurement
 * is in the archive) and a lease (`leaseOwner`, `leaseUntil`) so that two archiver runs never
 * work on one org at once.
 */

const PARTITION = 'ARCHIVE';
const stateKey = (orgId: string) => ({ PK: PARTITION, SK: `ORG#${orgId}` });

/** Sorts before every receipt position (they start with an ISO time); DynamoDB keys cannot be ''. */
export const INITIAL_MARK = '0';

export interface ArchiveState {
  orgId: string;
  /** Everything received at or before this receipt position is archived; INITIAL_MARK at first. */
  mark: string;
}

/** Orgs registered in this container: registration is one write per org per container. */
const registered = new Set<string>();

/**
 * Puts the org on the archiver's list; ingest calls it before writing measurements, so no
 * measurement can exist in an org the archiver does not visit.
 */
export async function registerOrgForArchive(orgId: string): Promise<void> {
  if (registered.has(orgId)) return;
  // Written whether or not the item exists yet: it only sets constant fields.
  await updateNow(stateKey(orgId), { set: { type: 'archiveState', orgId } }, UPSERT);
  registered.add(orgId);
}

/** Every org registered for the archive, a page at a time. */
export async function* registeredOrgs(): AsyncGenerator<string> {
  let nextToken: string | undefined;
  do {
    const page = await queryPage({ partition: PARTITION, limit: 1000, nextToken });
    for (const item of page.items) yield item.orgId as string;
    nextToken = page.nextToken;
  } while (nextToken);
}

/**
 * Takes the org's lease until `until` when it is free (or expired); answers the org's state, or
 * undefined when another run holds it.
 */
export async function takeLease(orgId: string, owner: string, now: Date, until: Date): Promise<ArchiveState | undefined> {
  const taken = await updateNow(
    stateKey(orgId),
    { set: { leaseOwner: owner, leaseUntil: until.toISOString() } },
    {
      condition: 'attribute_exists(PK) AND (attribute_not_exists(#leaseUntil) OR #leaseUntil < :now)',
      values: { ':now': now.toISOString() },
    },
  );
  return taken ? getArchiveState(orgId) : undefined;
}

/** Moves the org's mark forward, only while `owner` holds the lease. */
export async function advanceMark(orgId: string, owner: string, mark: string): Promise<boolean> {
  return updateNow(stateKey(orgId), { set: { mark } }, { condition: 'leaseOwner = :owner', values: { ':owner': owner } });
}

/** Gives the lease back (only the holder can). */
export async function releaseLease(orgId: string, owner: string): Promise<void> {
  await updateNow(
    stateKey(orgId),
    { remove: ['leaseOwner', 'leaseUntil'] },
    { condition: 'leaseOwner = :owner', values: { ':owner': owner } },
  );
}

/** The org's archive state. */
export async function getArchiveState(orgId: string): Promise<ArchiveState | undefined> {
  const item = await getNow(stateKey(orgId), { consistent: true });
  return item ? { orgId, mark: (item.mark as string | undefined) ?? INITIAL_MARK } : undefined;
}

/** Sets the org's mark back (to the start by default), so the next run archives again from there. */
export async function resetArchiveMark(orgId: string, mark = INITIAL_MARK): Promise<void> {
  await updateNow(stateKey(orgId), { set: { mark } });
}
