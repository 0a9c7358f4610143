import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import { GSI1, queryAll, type StoredItem } from './table';
import type { Role } from './roles';

/**
 * Memberships: a person's roles in an org, keyed by their (verified, lower-cased) email.
 * Key: PK `ORG#<orgId>`, SK `PERSON#<email>`; GSI1: `PERSON#<email>` / `ORG#<orgId>` lists a
 * person's orgs.
 */

export type MembershipStatus = 'active' | 'pending';

export interface Membership {
  orgId: string;
  email: string;
  roles: Role[];
  /** For a guest: the datasources it may see. */
  datasourceIds?: string[];
  status: MembershipStatus;
  addedAt: string;
  addedBy: string;
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export function membershipKey(orgId: string, email: string) {
  return { PK: `ORG#${orgId}`, SK: `PERSON#${normalizeEmail(email)}` };
}

export function membershipToItem(membership: Membership): StoredItem & Membership {
  const email = normalizeEmail(membership.email);
  return {
    ...membershipKey(membership.orgId, email),
    type: 'membership',
    GSI1PK: `PERSON#${email}`,
    GSI1SK: `ORG#${membership.orgId}`,
    ...membership,
    email,
  };
}

function fromItem(item: Record<string, unknown>): Membership {
  const { orgId, email, roles, datasourceIds, status, addedAt, addedBy } = item as unknown as Membership;
  return { orgId, email, roles, ...(datasourceIds ? { datasourceIds } : {}), status, addedAt, addedBy };
}

/** The caller's membership in an org, read strongly consistent because it guards every admin route. */
export async function getMembership(orgId: string, email: string): Promise<Membership | undefined> {
  const result = await ddb.send(
    new GetCommand({ TableName: getTableName(), Key: membershipKey(orgId, email), ConsistentRead: true }),
  );
  return result.Item ? fromItem(result.Item) : undefined;
}

/** Every membership of a person, across orgs (GSI1, eventually consistent). */
export async function listMembershipsOf(email: string): Promise<Membership[]> {
  const items = await queryAll({ index: GSI1, partition: `PERSON#${normalizeEmail(email)}`, sortKeyPrefix: 'ORG#' });
  return items.map(fromItem);
}
