import { auditEventPut, type Actor } from './audit';
import { ConflictError, NotFoundError } from '../platform/errors';
import {
  GSI1,
  deleteItem,
  getNow,
  putNewItem,
  queryAll,
  transact,
  updateItem,
  type Guard,
  type StoredItem,
  type TransactItem,
} from '../store/table';
import type { Role } from './roles';

/**
 * People in orgs. A membership is a person's roles in an org, keyed by their verified,
 * lower-cased email: PK `ORG#<orgId>`, SK `PERSON#<email>`; GSI1 `PERSON#<email>` /
 * `ORG#<orgId>` lists a person's orgs. An invitation is a membership with status `pending`.
 *
 * Each org also has an admin counter (PK `ORG#<orgId>`, SK `ADMINS`) holding the number of
 * ACTIVE admins. Every change that adds or removes an active admin moves it in the same
 * transaction, and a decrement is conditioned on `count > 1`: two admins demoting each other at
 * once cannot leave the org without one.
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

const adminCounterKey = (orgId: string) => ({ PK: `ORG#${orgId}`, SK: 'ADMINS' });

function toItem(membership: Membership): StoredItem & Membership {
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

const isActiveAdmin = (membership: Pick<Membership, 'roles' | 'status'>) =>
  membership.status === 'active' && membership.roles.includes('admin');

/** The items that make `email` the first admin of a new org: the membership and the counter at 1. */
export function firstAdminItems(orgId: string, email: string, now: Date): TransactItem[] {
  return [
    putNewItem(
      toItem({ orgId, email, roles: ['admin'], status: 'active', addedAt: now.toISOString(), addedBy: normalizeEmail(email) }),
    ),
    putNewItem({ ...adminCounterKey(orgId), type: 'adminCounter', count: 1 } as StoredItem),
  ];
}

function adminCountChange(orgId: string, delta: 1 | -1): TransactItem {
  return updateItem(
    adminCounterKey(orgId),
    { add: { count: delta } },
    // The last active admin cannot go.
    delta < 0 ? { condition: '#count > :one', names: { '#count': 'count' }, values: { ':one': 1 } } : undefined,
  );
}

/** The admin counter change, if any, for a membership going from `before` to `after` (undefined: removed). */
function adminCountChanges(orgId: string, before: Membership, after: Membership | undefined): TransactItem[] {
  const wasAdmin = isActiveAdmin(before);
  const isAdmin = after !== undefined && isActiveAdmin(after);
  if (wasAdmin === isAdmin) return [];
  return [adminCountChange(orgId, isAdmin ? 1 : -1)];
}

/** Guards a membership write: the item must still be exactly as read. */
function unchangedSince(membership: Membership): Guard {
  return {
    condition: '#roles = :readRoles AND #status = :readStatus',
    names: { '#roles': 'roles', '#status': 'status' },
    values: { ':readRoles': membership.roles, ':readStatus': membership.status },
  };
}

/** The caller's membership in an org, read strongly consistent because it guards every admin route. */
export async function getMembership(orgId: string, email: string): Promise<Membership | undefined> {
  const item = await getNow(membershipKey(orgId, email), { consistent: true });
  return item ? fromItem(item) : undefined;
}

async function requireMembership(orgId: string, email: string): Promise<Membership> {
  const membership = await getMembership(orgId, email);
  if (!membership) throw new NotFoundError('No such person in this org.');
  return membership;
}

/** Every membership of a person, across orgs (GSI1, eventually consistent). */
export async function listMembershipsOf(email: string): Promise<Membership[]> {
  const items = await queryAll({ index: GSI1, partition: `PERSON#${normalizeEmail(email)}`, sortKeyPrefix: 'ORG#' });
  return items.map(fromItem);
}

/** Everyone in an org, active and invited. */
export async function listPeople(orgId: string): Promise<Membership[]> {
  const items = await queryAll({ partition: `ORG#${orgId}`, sortKeyPrefix: 'PERSON#', consistent: true });
  return items.map(fromItem);
}

const lastAdminConflict = () => new ConflictError('An org must keep at least one active admin.');
const changedConflict = () => new ConflictError('This person changed while the request ran; read again and retry.');

/** Invites a person (by email) with roles; 409 when they are already invited or a member. */
export async function invitePerson(
  orgId: string,
  input: { email: string; roles: Role[]; datasourceIds?: string[] },
  actor: Actor,
  now = new Date(),
): Promise<Membership> {
  const membership: Membership = {
    orgId,
    email: normalizeEmail(input.email),
    roles: input.roles,
    ...(input.datasourceIds ? { datasourceIds: input.datasourceIds } : {}),
    status: 'pending',
    addedAt: now.toISOString(),
    addedBy: actor.id,
  };
  await transact(
    [putNewItem(toItem(membership)), auditEventPut(orgId, actor, 'person.invite', membership.email, { roles: input.roles }, now)],
    (failed) =>
      failed.includes(0) ? new ConflictError('This person is already invited to or a member of this org.') : changedConflict(),
  );
  return membership;
}

/** The invitee (whose verified email matches) accepts a pending invitation. */
export async function acceptInvitation(orgId: string, email: string, now = new Date()): Promise<Membership> {
  const before = await getMembership(orgId, email);
  if (!before) throw new NotFoundError('There is no invitation for your email in this org.');
  if (before.status === 'active') throw new ConflictError('You are already an active member of this org.');
  const after: Membership = { ...before, status: 'active' };
  await transact(
    [
      updateItem(
        membershipKey(orgId, email),
        { set: { status: 'active', acceptedAt: now.toISOString() } },
        unchangedSince(before),
      ),
      ...adminCountChanges(orgId, before, after),
      auditEventPut(orgId, { type: 'person', id: before.email }, 'person.accept', before.email, { roles: before.roles }, now),
    ],
    changedConflict,
  );
  return after;
}

/**
 * Changes a person's roles (and a guest's datasources: kept when not sent, dropped with the
 * guest role); demoting the last active admin is 409.
 */
export async function changePersonRoles(
  orgId: string,
  email: string,
  input: { roles: Role[]; datasourceIds?: string[] },
  actor: Actor,
  now = new Date(),
): Promise<Membership> {
  const before = await requireMembership(orgId, email);
  // A guest keeps its datasource list unless the change sends a new one or drops the guest role.
  const datasourceIds = input.roles.includes('guest') ? (input.datasourceIds ?? before.datasourceIds) : undefined;
  const { datasourceIds: _old, ...rest } = before;
  const after: Membership = { ...rest, roles: input.roles, ...(datasourceIds ? { datasourceIds } : {}) };
  const counterChanges = adminCountChanges(orgId, before, after);
  await transact(
    [
      updateItem(
        membershipKey(orgId, email),
        { set: { roles: input.roles, datasourceIds: datasourceIds ?? null } },
        unchangedSince(before),
      ),
      ...counterChanges,
      auditEventPut(orgId, actor, 'person.update', before.email, { from: before.roles, to: input.roles }, now),
    ],
    (failed) => (failed.includes(1) && counterChanges.length > 0 ? lastAdminConflict() : changedConflict()),
  );
  return after;
}

/** Removes a person (or withdraws an invitation); removing the last active admin is 409. */
export async function removePerson(orgId: string, email: string, actor: Actor, now = new Date()): Promise<void> {
  const before = await requireMembership(orgId, email);
  const counterChanges = adminCountChanges(orgId, before, undefined);
  await transact(
    [
      deleteItem(membershipKey(orgId, email), unchangedSince(before)),
      ...counterChanges,
      auditEventPut(orgId, actor, 'person.remove', before.email, { roles: before.roles, status: before.status }, now),
    ],
    (failed) => (failed.includes(1) && counterChanges.length > 0 ? lastAdminConflict() : changedConflict()),
  );
}

/** A membership as the admin API shows a person. */
export function toPersonView({ email, roles, datasourceIds, status, addedAt }: Membership) {
  return { email, roles, ...(datasourceIds ? { datasourceIds } : {}), status, addedAt };
}
