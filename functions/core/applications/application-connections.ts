import { auditEventPut, type Actor } from '../orgs/audit';
import { BadRequestError, ConflictError, ConnectionNotAllowedError, NotFoundError } from '../platform/errors';
import { mayConnect } from './connect-policy';
import { changeApplication, getApplications } from './applications';
import { grantSnapshotUpdates, grantsOf } from './api-keys';
import {
  connectionDeletes,
  connectionPuts,
  connectionReplaces,
  listConnectionsOfOrg,
  reportShareOf,
  type Connection,
} from './connections';
import { assertDatasourcesExist } from '../datasources/datasources';
import { getOrgs } from '../orgs/orgs';
import type { Page } from '../store/table';
import type { Role } from '../orgs/roles';

/**
 * Connections as admins change them: connect, change and disconnect run under the
 * application's optimistic lock (applications.ts) and rewrite the grant snapshot of every key of
 * the application in the same transaction. The connection items themselves are connections.ts.
 */

/** A connection as the org sees it, with the application's current name. */
export interface ConnectionView extends Omit<Connection, 'orgId' | 'reportShare'> {
  applicationName: string;
  /** The connection's share of the org's daily report requests (the default when none was set). */
  reportShare: number;
  /** The owner org's current name: in the listing, so a table of connections names who made each application. */
  ownerOrgName?: string;
}

export interface ConnectInput {
  orgId: string;
  applicationId: string;
  roles: Role[];
  datasourceIds?: string[];
  reportShare?: number;
}

/**
 * Connects an application (owned by this org or any other) to an org with roles, if its owner's
 * `connectPolicy` lets this org (403 `connection_not_allowed` otherwise). The two connection
 * items, the grant snapshots of all the application's keys and the audit event are one
 * transaction, conditioned on the application's version, so a policy changed meanwhile is
 * respected; a second connect of the same pair is 409.
 */
export async function connectApplication(input: ConnectInput, actor: Actor, now = new Date()): Promise<ConnectionView> {
  await assertDatasourcesExist(input.orgId, input.datasourceIds);
  return changeApplication(input.applicationId, (aggregate) => {
    if (aggregate.connections.some((existing) => existing.orgId === input.orgId)) {
      throw new ConflictError('This application is already connected to this org.');
    }
    if (!mayConnect(aggregate.application, input.orgId)) {
      throw new ConnectionNotAllowedError(
        aggregate.application.connectPolicy === 'owner-only'
          ? "This application's owner lets only its own org connect it."
          : "This application's owner has not listed this org among those that may connect it.",
      );
    }
    const connection: Connection = {
      orgId: input.orgId,
      applicationId: input.applicationId,
      ownerOrgId: aggregate.application.ownerOrgId,
      roles: input.roles,
      ...(input.datasourceIds ? { datasourceIds: input.datasourceIds } : {}),
      ...(input.reportShare !== undefined ? { reportShare: input.reportShare } : {}),
      connectedAt: now.toISOString(),
      connectedBy: actor.id,
    };
    const grants = grantsOf([...aggregate.connections, connection]);
    return {
      items: [
        ...connectionPuts(connection),
        ...grantSnapshotUpdates(aggregate.keys, grants),
        auditEventPut(
          input.orgId,
          actor,
          'connection.create',
          input.applicationId,
          {
            roles: input.roles,
            ...(input.datasourceIds ? { datasourceIds: input.datasourceIds } : {}),
            ...(input.reportShare !== undefined ? { reportShare: input.reportShare } : {}),
          },
          now,
        ),
      ],
      result: toView(connection, aggregate.application.name),
      conflict: () => new ConflictError('This application is already connected to this org.'),
    };
  });
}

function toView(connection: Connection, applicationName: string): ConnectionView {
  const { orgId: _orgId, reportShare: _share, ...rest } = connection;
  return { ...rest, reportShare: reportShareOf(connection), applicationName };
}

/** One page of "applications connected to your organization", with their and their owner orgs' current names. */
export async function listConnectionsOf(orgId: string, limit: number, nextToken?: string): Promise<Page<ConnectionView>> {
  const page = await listConnectionsOfOrg(orgId, limit, nextToken);
  const connections = page.items;
  const [applications, owners] = await Promise.all([
    getApplications(connections.map((connection) => connection.applicationId)),
    getOrgs([...new Set(connections.map((connection) => connection.ownerOrgId))]),
  ]);
  return {
    items: connections.flatMap((connection) => {
      const application = applications.get(connection.applicationId);
      const ownerOrgName = owners.get(connection.ownerOrgId)?.name;
      return application ? [{ ...toView(connection, application.name), ...(ownerOrgName ? { ownerOrgName } : {}) }] : [];
    }),
    nextToken: page.nextToken,
  };
}

function requireConnection(connections: readonly Connection[], orgId: string): Connection {
  const connection = connections.find((candidate) => candidate.orgId === orgId);
  if (!connection) throw new NotFoundError('This application is not connected to this org.');
  return connection;
}

/**
 * Changes a connection's roles, narrows a guest's datasources or sets its `reportShare`. Both stored copies and every
 * key's grant snapshot change in one transaction; the data API follows within 10 seconds.
 */
export async function changeConnection(
  input: { orgId: string; applicationId: string; roles?: Role[]; datasourceIds?: string[]; reportShare?: number },
  actor: Actor,
  now = new Date(),
): Promise<ConnectionView> {
  await assertDatasourcesExist(input.orgId, input.datasourceIds);
  return changeApplication(input.applicationId, (aggregate) => {
    const before = requireConnection(aggregate.connections, input.orgId);
    const roles = input.roles ?? before.roles;
    const datasourceIds = roles.includes('guest') ? (input.datasourceIds ?? before.datasourceIds) : undefined;
    if (input.datasourceIds && !roles.includes('guest')) {
      throw new BadRequestError('datasourceIds narrows the guest role; the connection has no guest role.', [
        { path: 'datasourceIds', message: 'Only for the guest role.' },
      ]);
    }
    const { datasourceIds: _old, ...rest } = before;
    const after: Connection = {
      ...rest,
      roles,
      ...(datasourceIds ? { datasourceIds } : {}),
      ...(input.reportShare !== undefined ? { reportShare: input.reportShare } : {}),
    };
    const others = aggregate.connections.filter((connection) => connection.orgId !== input.orgId);
    return {
      items: [
        ...connectionReplaces(after),
        ...grantSnapshotUpdates(aggregate.keys, grantsOf([...others, after])),
        auditEventPut(
          input.orgId,
          actor,
          'connection.update',
          input.applicationId,
          {
            from: {
              roles: before.roles,
              ...(before.datasourceIds ? { datasourceIds: before.datasourceIds } : {}),
              reportShare: reportShareOf(before),
            },
            to: { roles, ...(datasourceIds ? { datasourceIds } : {}), reportShare: reportShareOf(after) },
          },
          now,
        ),
      ],
      result: toView(after, aggregate.application.name),
    };
  });
}

/** Disconnects an application from an org: its access there ends (within 10 seconds). */
export async function disconnectApplication(orgId: string, applicationId: string, actor: Actor, now = new Date()): Promise<void> {
  await changeApplication(applicationId, (aggregate) => {
    const connection = requireConnection(aggregate.connections, orgId);
    const others = aggregate.connections.filter((candidate) => candidate.orgId !== orgId);
    return {
      items: [
        ...connectionDeletes(connection),
        ...grantSnapshotUpdates(aggregate.keys, grantsOf(others)),
        auditEventPut(orgId, actor, 'connection.delete', applicationId, { roles: connection.roles }, now),
      ],
      result: undefined,
    };
  });
}

/**
 * The owner org ends a connection another org (or itself) made: the application's access there
 * ends within 10 seconds, whatever its connect policy. Both orgs' audit logs record it (one event
 * when the owner ends its own connection); 404 unless `ownerOrgId` owns the application and the
 * connection exists.
 */
export async function endConnection(
  ownerOrgId: string,
  applicationId: string,
  orgId: string,
  actor: Actor,
  now = new Date(),
): Promise<void> {
  await changeApplication(
    applicationId,
    (aggregate) => {
      const connection = requireConnection(aggregate.connections, orgId);
      const others = aggregate.connections.filter((candidate) => candidate.orgId !== orgId);
      const details = { orgId, roles: connection.roles, endedBy: 'owner', ownerOrgId };
      return {
        items: [
          ...connectionDeletes(connection),
          ...grantSnapshotUpdates(aggregate.keys, grantsOf(others)),
          auditEventPut(orgId, actor, 'connection.delete', applicationId, details, now),
          ...(orgId === ownerOrgId ? [] : [auditEventPut(ownerOrgId, actor, 'connection.delete', applicationId, details, now)]),
        ],
        result: undefined,
      };
    },
    { ownedBy: ownerOrgId },
  );
}
