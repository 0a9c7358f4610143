import { ForbiddenError, NotFoundError } from '../platform/errors';
import { getMembership, normalizeEmail, type Membership } from '../orgs/people';
import { allows, type Permission } from '../orgs/roles';
import type { Actor } from '../orgs/audit';
import type { ApplicationPrincipal, PersonPrincipal } from './principal';
import type { Grant } from '../applications';
import { getConnection } from '../applications';
import { getKeyCacheTtlSeconds } from '../platform/config';

/**
 * Role checks for both kinds of caller. `defineRoute` calls them with what each route row
 * declares: `requireOrgPermission` for an `/admin` row's `permission`, `requireGrant` for a
 * `/v2` row's `grant`; handlers do not call them.
 */

/** The person's verified email, which is their identity in memberships and audit events. */
function verifiedEmail(person: PersonPrincipal): string {
  if (!person.email || !person.emailVerified) {
    throw new ForbiddenError('Your token must carry a verified email (claims email and email_verified) to use the admin API.');
  }
  return normalizeEmail(person.email);
}

export function personActor(person: PersonPrincipal): Actor {
  return { type: 'person', id: verifiedEmail(person) };
}

/** An application acting through the data API, as the audit log names it. */
export function applicationActor(application: ApplicationPrincipal): Actor {
  return { type: 'application', id: application.applicationId };
}

/**
 * The caller's active membership in `orgId`, if it grants `permission`. Someone with no
 * membership gets 404 (the org's existence is not revealed); a pending invitee or a member
 * whose roles do not allow it gets 403.
 */
export async function requireOrgPermission(person: PersonPrincipal, orgId: string, permission: Permission): Promise<Membership> {
  const membership = await getMembership(orgId, verifiedEmail(person));
  if (!membership) throw new NotFoundError('No such org.');
  if (membership.status !== 'active') throw new ForbiddenError('Your invitation to this org is not accepted yet.');
  if (!allows(membership.roles, permission)) throw new ForbiddenError('Your roles in this org do not allow this.');
  return membership;
}

/** The grant a connection gives, or undefined when there is none. */
async function readGrant(applicationId: string, orgId: string): Promise<Grant | undefined> {
  const connection = await getConnection(applicationId, orgId);
  return (
    connection && {
      roles: connection.roles,
      ...(connection.datasourceIds ? { datasourceIds: connection.datasourceIds } : {}),
    }
  );
}

interface CachedGrant {
  grant: Grant | undefined;
  fetchedAt: number;
}

const MAX_CACHED_GRANTS = 10_000;
const grantCache = new Map<string, CachedGrant>();

/**
 * The grant of an application whose grants outgrew its keys' snapshot, read from the org's
 * connection and cached per application and org as the key itself is (KEY_CACHE_TTL_SECONDS,
 * misses too): a change reaches the data API within the same bound as a snapshot's.
 */
async function cachedGrant(applicationId: string, orgId: string, now: number): Promise<Grant | undefined> {
  const cacheKey = `${applicationId}|${orgId}`;
  const entry = grantCache.get(cacheKey);
  if (entry && now - entry.fetchedAt < getKeyCacheTtlSeconds() * 1000) return entry.grant;
  const grant = await readGrant(applicationId, orgId);
  grantCache.delete(cacheKey);
  if (grantCache.size >= MAX_CACHED_GRANTS) grantCache.delete(grantCache.keys().next().value!);
  grantCache.set(cacheKey, { grant, fetchedAt: now });
  return grant;
}

/**
 * The application's grant in `orgId`, if it allows `permission`; 403 when not connected or not
 * allowed. The authorizer's grant snapshot may be a few seconds old: before refusing, the
 * connection itself is read, so a connection made a moment ago works at once. Revocations
 * still follow the snapshot's bound (10 s), as the contract allows. An application whose
 * grants outgrew the snapshot (`grantsPerOrg`) has the request's org's grant read instead,
 * cached per org for as long as a key.
 */
export async function requireGrant(
  application: ApplicationPrincipal,
  orgId: string,
  permission: Permission,
  now = Date.now(),
): Promise<Grant> {
  let grant: Grant | undefined = application.grantsPerOrg
    ? await cachedGrant(application.applicationId, orgId, now)
    : application.grants[orgId];
  if (!application.grantsPerOrg && (!grant || !allows(grant.roles, permission))) {
    grant = await readGrant(application.applicationId, orgId);
  }
  if (!grant) throw new ForbiddenError('This application is not connected to that org.');
  if (!allows(grant.roles, permission)) throw new ForbiddenError("This application's roles in that org do not allow this.");
  return grant;
}
