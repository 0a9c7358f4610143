import { newId } from '../platform/ids';
import { auditEventPut, type Actor } from './audit';
import { firstAdminItems, listMembershipsOf } from './people';
import { ConflictError, NotFoundError } from '../platform/errors';
import { batchGetAll, getNow, putNewItem, transact, updateItem, type StoredItem } from '../store/table';
import type { Role } from './roles';

/** Orgs. Key: PK `ORG#<orgId>`, SK `ORG`. */

export interface Org {
  orgId: string;
  name: string;
  createdAt: string;
  createdBy: string;
}

export const orgKey = (orgId: string) => ({ PK: `ORG#${orgId}`, SK: 'ORG' });

function toItem(org: Org): StoredItem & Org {
  return { ...orgKey(org.orgId), type: 'org', ...org };
}

function fromItem(item: Record<string, unknown>): Org {
  const { orgId, name, createdAt, createdBy } = item as unknown as Org;
  return { orgId, name, createdAt, createdBy };
}

/** Creates an org whose first admin is the creator; the org, the membership and the event land together. */
export async function createOrg(name: string, creatorEmail: string, now = new Date()): Promise<Org> {
  const org: Org = { orgId: newId('org'), name, createdAt: now.toISOString(), createdBy: creatorEmail };
  const actor: Actor = { type: 'person', id: creatorEmail };
  await transact(
    [
      putNewItem(toItem(org)),
      ...firstAdminItems(org.orgId, creatorEmail, now),
      auditEventPut(org.orgId, actor, 'org.create', org.orgId, { name }, now),
    ],
    () => new ConflictError('An org with this id already exists; retry.'),
  );
  return org;
}

export async function getOrg(orgId: string, consistent = false): Promise<Org | undefined> {
  const item = await getNow(orgKey(orgId), { consistent });
  return item ? fromItem(item) : undefined;
}

/** Reads many orgs by id. */
export async function getOrgs(orgIds: readonly string[]): Promise<Map<string, Org>> {
  const items = await batchGetAll(orgIds.map(orgKey));
  return new Map(items.map((item) => [item.orgId as string, fromItem(item)]));
}

/** The orgs where `email` is an active member, with the roles held there. */
export async function listOrgsOf(email: string): Promise<(Pick<Org, 'orgId' | 'name'> & { roles: Role[] })[]> {
  const active = (await listMembershipsOf(email)).filter((membership) => membership.status === 'active');
  const orgs = await getOrgs(active.map((membership) => membership.orgId));
  return active.flatMap((membership) => {
    const org = orgs.get(membership.orgId);
    return org ? [{ orgId: org.orgId, name: org.name, roles: membership.roles }] : [];
  });
}

/** The pending invitations addressed to `email`, with the name of each org, oldest first. */
export async function listInvitationsOf(
  email: string,
): Promise<{ orgId: string; orgName: string; roles: Role[]; invitedAt: string; invitedBy: string }[]> {
  const pending = (await listMembershipsOf(email)).filter((membership) => membership.status === 'pending');
  const orgs = await getOrgs(pending.map((membership) => membership.orgId));
  return pending
    .flatMap((membership) => {
      const org = orgs.get(membership.orgId);
      return org
        ? [
            {
              orgId: org.orgId,
              orgName: org.name,
              roles: membership.roles,
              invitedAt: membership.addedAt,
              invitedBy: membership.addedBy,
            },
          ]
        : [];
    })
    .sort((a, b) => a.invitedAt.localeCompare(b.invitedAt));
}

/** Renames an org. */
export async function renameOrg(orgId: string, name: string, actor: Actor, now = new Date()): Promise<Org> {
  const org = await getOrg(orgId, true);
  if (!org) throw new NotFoundError('No such org.');
  await transact(
    [
      updateItem(orgKey(orgId), { set: { name } }),
      auditEventPut(orgId, actor, 'org.update', orgId, { from: org.name, to: name }, now),
    ],
    () => new NotFoundError('No such org.'),
  );
  return { ...org, name };
}
