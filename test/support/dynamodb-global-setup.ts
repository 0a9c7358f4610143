import { ensureTable, startDynamoDbLocal } from '../../lib/local/dynamodb-local';

/**
 * Starts one in-memory DynamoDB Local for the integration suite and creates the table. Test
 * files isolate themselves by creating their own orgs (ids are random), not their own tables.
 * Workers inherit the environment set here.
 */
export default async function setup(): Promise<void> {
  const dynamo = await startDynamoDbLocal();
  await ensureTable(dynamo.endpoint, 'datagate-test');
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = 'datagate-test';
  process.env.AWS_REGION = 'local';
  process.env.DATAGATE_LOG = 'silent';
  // Revocation tests wait out the authorizer's cache; 1 s keeps them quick (production: 5 s).
  process.env.KEY_CACHE_TTL_SECONDS = '1';
  process.env.CONTINUATION_SECRET = 'integration-tests-continuation-secret-0123456789';
  // Continuations hold back what was received in the last 5 s in production; tests poll sooner.
  process.env.CONTINUATION_SETTLE_MS = '300';
  (globalThis as { __DYNAMODB__?: { stop(): Promise<void> } }).__DYNAMODB__ = dynamo;
}
