import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo';
import { getTableName } from './config';
import type { StoredItem } from './table';
import type { Role } from './roles';

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
  connectedAt: string;
  connectedBy: string;
}

export const orgConnectionKey = (orgId: string, applicationId: string) => ({ PK: `ORG#${orgId}`, SK: `CONN#${applicationId}` });
export const applicationConnectionKey = (applicationId: string, orgId: string) => ({
  PK: `APP#${applicationId}`,
  SK: `CONN#${orgId}`,
});

/** Both stored copies of a connection. */
export function connectionToItems(connection: Connection): [StoredItem & Connection, StoredItem & Connection] {
  return [
    { ...orgConnectionKey(connection.orgId, connection.applicationId), type: 'connection', ...connection },
    { ...applicationConnectionKey(connection.applicationId, connection.orgId), type: 'connection', ...connection },
  ];
}

export function connectionFromItem(item: Record<string, unknown>): Connection {
  const { orgId, applicationId, ownerOrgId, roles, datasourceIds, connectedAt, connectedBy } = item as unknown as Connection;
  return { orgId, applicationId, ownerOrgId, roles, ...(datasourceIds ? { datasourceIds } : {}), connectedAt, connectedBy };
}

/** The connection of an application to one org, read strongly consistent (GetItem). */
export async function getConnection(applicationId: string, orgId: string): Promise<Connection | undefined> {
  const result = await ddb.send(
    new GetCommand({ TableName: getTableName(), Key: applicationConnectionKey(applicationId, orgId), ConsistentRead: true }),
  );
  return result.Item ? connectionFromItem(result.Item) : undefined;
}
