import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../dynamo';
import { getTableName } from '../config';
import { isConditionFailure } from '../table';

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
export async function registerOrgForArchive(orgId: string, now = new Date()): Promise<void> {
  if (registered.has(orgId)) return;
  await ddb.send(
    new UpdateCommand({
      TableName: getTableName(),
      Key: stateKey(orgId),
      UpdateExpression: 'SET #type = :type, orgId = :org, registeredAt = if_not_exists(registeredAt, :now)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'archiveState', ':org': orgId, ':now': now.toISOString() },
    }),
  );
  registered.add(orgId);
}

/** Every org registered for the archive, a page at a time. */
export async function* registeredOrgs(): AsyncGenerator<string> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: getTableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': PARTITION },
        ProjectionExpression: 'orgId',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield item.orgId as string;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

/**
 * Takes the org's lease until `until` when it is free (or expired); answers the org's state, or
 * undefined when another run holds it.
 */
export async function takeLease(orgId: string, owner: string, now: Date, until: Date): Promise<ArchiveState | undefined> {
  try {
    const answer = await ddb.send(
      new UpdateCommand({
        TableName: getTableName(),
        Key: stateKey(orgId),
        UpdateExpression: 'SET leaseOwner = :owner, leaseUntil = :until',
        ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
        ExpressionAttributeValues: { ':owner': owner, ':until': until.toISOString(), ':now': now.toISOString() },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { orgId, mark: (answer.Attributes?.mark as string | undefined) ?? INITIAL_MARK };
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
}

/** Moves the org's mark forward, only while `owner` holds the lease. */
export async function advanceMark(orgId: string, owner: string, mark: string): Promise<boolean> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: getTableName(),
        Key: stateKey(orgId),
        UpdateExpression: 'SET mark = :mark',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':mark': mark, ':owner': owner },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Gives the lease back (only the holder can). */
export async function releaseLease(orgId: string, owner: string): Promise<void> {
  try {
    await ddb.send(
      new UpdateCommand({
        TableName: getTableName(),
        Key: stateKey(orgId),
        UpdateExpression: 'REMOVE leaseOwner, leaseUntil',
        ConditionExpression: 'leaseOwner = :owner',
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** The org's archive state, for tests and operators. */
export async function getArchiveState(orgId: string): Promise<ArchiveState | undefined> {
  const answer = await ddb.send(new GetCommand({ TableName: getTableName(), Key: stateKey(orgId), ConsistentRead: true }));
  return answer.Item ? { orgId, mark: (answer.Item.mark as string | undefined) ?? INITIAL_MARK } : undefined;
}

/** Sets the org's mark back (to the start by default), so the next run archives again from there. */
export async function resetArchiveMark(orgId: string, mark = INITIAL_MARK): Promise<void> {
  await ddb.send(
    new UpdateCommand({
      TableName: getTableName(),
      Key: stateKey(orgId),
      UpdateExpression: 'SET mark = :mark',
      ConditionExpression: 'attribute_exists(PK)',
      ExpressionAttributeValues: { ':mark': mark },
    }),
  );
}
