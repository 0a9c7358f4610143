/**
 * An application's partition, `APP#<applicationId>`: the application item (SK `APP`), its key
 * records (SK `KEY#<keyId>`, api-keys.ts) and the orgs that connected it (SK `CONN#<orgId>`,
 * connections.ts). applications.ts reads it whole as the application's aggregate. It imports
 * nothing, so the three modules that write into the partition share it without a cycle.
 */
export const APPLICATION_PARTITION_PREFIX = 'APP#';

export const applicationPartition = (applicationId: string) => `${APPLICATION_PARTITION_PREFIX}${applicationId}`;
