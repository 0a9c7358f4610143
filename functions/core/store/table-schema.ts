/**
 * The single table's key schema: generic keys `PK`/`SK`, one overloaded index `GSI1`, and a
 * TTL attribute. Read by the CDK stack and by the local runtime that creates the table; it
 * imports nothing, so reading it never creates a DynamoDB client.
 */
export const GSI1 = 'GSI1';

export const TABLE_SCHEMA = {
  partitionKey: 'PK',
  sortKey: 'SK',
  indexes: [{ name: GSI1, partitionKey: 'GSI1PK', sortKey: 'GSI1SK' }],
  timeToLiveAttribute: 'ttl',
} as const;
