import {
  deleteItem,
  getNow,
  replaceItem,
  putNewItem,
  queryPage,
  type Page,
  type StoredItem,
  type TransactItem,
} from '../store/table';
import { applicationPartition } from './application-partition';
import type { Role } from '../orgs/roles';
import { DEFAULT_REPORT_SHARE } from '../platform/limits';

/**
 * A connection: an org granting an application roles in it. Stored twice, written in one
 * transaction: PK `ORG#<orgId>` / SK `CONN#<applicationId>` ("applications connected to your
 * organization") and PK `APP#<applicationId>` / SK `CONN#<orgId>` ("who granted it access").
 */
export interface Connection {
  orgId: string;
  applicationId: string;
  ownerOrgId: string;
  roles: Role[];
  datasourceIds?: string[];
  /** Of the org's daily report requests, the most this application may make; absent: DEFAULT_REPORT_SHARE. */
  reportShare?: number;
  connectedAt: string;
  connectedBy: string;
}

export const orgConnectionKey = (orgId: string, applicationId: string) => ({ PK: `ORG#${orgId}`, SK: `CONN#${applicationId}` });
export const applicationConnectionKey = (applicationId: string, orgId: string) => ({
  PK: applicationPartition(applicationId),
  SK: `CONN#${orgId}`,
});

/** Both stored copies of a connection. */
function connectionToItems(connection: Connection): [StoredItem & Connection, StoredItem & Connection] {
  return [
    { ...orgConnectionKey(connection.orgId, connection.applicationId), type: 'connection', ...connection },
    { ...applicationConnectionKey(connection.applicationId, connection.orgId), type: 'connection', ...connection },
  ];
}

/** Both copies of a new connection, for a transaction; it fails if the pair is connected already. */
export function connectionPuts(connection: Connection): TransactItem[] {
  return connectionToItems(connection).map(putNewItem);
}

/** Both copies of a changed connection, for a transaction; it fails if the connection is gone. */
export function connectionReplaces(connection: Connection): TransactItem[] {
  return connectionToItems(connection).map(replaceItem);
}

/** Both copies of a connection, deleted together. */
export function connectionDeletes(connection: Pick<Connection, 'orgId' | 'applicationId'>): TransactItem[] {
  return [
    deleteItem(orgConnectionKey(connection.orgId, connection.applicationId)),
    deleteItem(applicationConnectionKey(connection.applicationId, connection.orgId)),
  ];
}

/** One page of an org's connections ("applications connected to your organization"). */
export async function listConnectionsOfOrg(orgId: string, limit: number, nextToken?: string): Promise<Page<Connection>> {
  const page = await queryPage({ partition: `ORG#${orgId}`, sortKeyPrefix: 'CONN#', limit, nextToken });
  return { ...page, items: page.items.map(connectionFromItem) };
}

export function connectionFromItem(item: Record<string, unknown>): Connection {
  const { orgId, applicationId, ownerOrgId, roles, datasourceIds, reportShare, connectedAt, connectedBy } =
    item as unknown as Connection;
  return {
    orgId,
    applicationId,
    ownerOrgId,
    roles,
    ...(datasourceIds ? { datasourceIds } : {}),
    ...(reportShare !== undefined ? { reportShare } : {}),
    connectedAt,
    connectedBy,
  };
}

/** How many of the org's daily report requests the connection lets its application make. */
export const reportShareOf = (connection: Pick<Connection, 'reportShare'>): number =>
  connection.reportShare ?? DEFAULT_REPORT_SHARE;

/** The connection of an application to one org, read strongly consistent (GetItem). */
export async function getConnection(applicationId: string, orgId: string): Promise<Connection | undefined> {
  const item = await getNow(applicationConnectionKey(applicationId, orgId), { consistent: true });
  return item ? connectionFromItem(item) : undefined;
}
