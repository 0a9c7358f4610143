import { auditEventPut, type Actor } from './audit';
import { BadRequestError, ConflictError } from './errors';
import { changeApplication, getApplications } from './applications';
import { grantSnapshotUpdates, grantsOf } from './api-key-records';
import { connectionFromItem, connectionToItems, type Connection } from './connection-records';
import { findDatasourceIds } from './datasources';
import { putNew, queryPage, type Page } from './table';
import type { Role } from './roles';

export type { Connection } from './connection-records';

/** A connection as the org sees it, with the application's current name. */
export interface ConnectionView extends Omit<Connection, 'orgId'> {
  applicationName: string;
}

export interface ConnectInput {
  orgId: string;
  applicationId: string;
  roles: Role[];
  datasourceIds?: string[];
}

async function assertDatasourcesExist(orgId: string, datasourceIds: readonly string[] | undefined): Promise<void> {
  if (!datasourceIds || datasourceIds.length === 0) return;
  const found = await findDatasourceIds(orgId, datasourceIds);
  const missing = datasourceIds.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new BadRequestError('Some datasourceIds are not datasources of this org.', missing.map((id) => ({
      path: `datasourceIds.${datasourceIds.indexOf(id)}`,
      message: `${id} is not a datasource of this org.`,
    })));
  }
}

/**
 * Connects an application (owned by this org or any other) to an org with roles. The two
 * connection items, the grant snapshots of all the application's keys and the audit event are
 * one transaction; a second connect of the same pair is 409.
 */
export async function connectApplication(input: ConnectInput, actor: Actor, now = new Date()): Promise<ConnectionView> {
  await assertDatasourcesExist(input.orgId, input.datasourceIds);
  return changeApplication(input.applicationId, (aggregate) => {
    if (aggregate.connections.some((existing) => existing.orgId === input.orgId)) {
      throw new ConflictError('This application is already connected to this org.');
    }
    const connection: Connection = {
      orgId: input.orgId,
      applicationId: input.applicationId,
      ownerOrgId: aggregate.application.ownerOrgId,
      roles: input.roles,
      ...(input.datasourceIds ? { datasourceIds: input.datasourceIds } : {}),
      connectedAt: now.toISOString(),
      connectedBy: actor.id,
    };
    const [orgSide, applicationSide] = connectionToItems(connection);
    const grants = grantsOf([...aggregate.connections, connection]);
    return {
      items: [
        putNew(orgSide),
        putNew(applicationSide),
        ...grantSnapshotUpdates(aggregate.keys, grants),
        auditEventPut(input.orgId, actor, 'connection.create', input.applicationId, {
          roles: input.roles,
          ...(input.datasourceIds ? { datasourceIds: input.datasourceIds } : {}),
        }, now),
      ],
      result: toView(connection, aggregate.application.name),
      conflict: () => new ConflictError('This application is already connected to this org.'),
    };
  });
}

function toView(connection: Connection, applicationName: string): ConnectionView {
  const { orgId: _orgId, ...rest } = connection;
  return { ...rest, applicationName };
}

/** One page of "applications connected to your organization", with their current names. */
export async function listConnectionsOf(orgId: string, limit: number, nextToken?: string): Promise<Page<ConnectionView>> {
  const page = await queryPage({ partition: `ORG#${orgId}`, sortKeyPrefix: 'CONN#', limit, nextToken });
  const connections = page.items.map(connectionFromItem);
  const applications = await getApplications(connections.map((connection) => connection.applicationId));
  return {
    items: connections.flatMap((connection) => {
      const application = applications.get(connection.applicationId);
      return application ? [toView(connection, application.name)] : [];
    }),
    nextToken: page.nextToken,
  };
}
