import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * One document client per container, reused by warm invocations. `DYNAMODB_ENDPOINT` points it
 * at DynamoDB Local; in AWS it is unset. The client is created on first use, not at module load,
 * so that the environment it reads is the one in force when a request runs: a module graph that
 * happens to import this file early (a schema importing a constant) cannot freeze a client
 * without the local endpoint.
 */
function createClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          // DynamoDB Local accepts any credentials; these keep the SDK from searching for real ones.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {},
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

let client: DynamoDBDocumentClient | undefined;

export const ddb: DynamoDBDocumentClient = new Proxy({} as DynamoDBDocumentClient, {
  get(_target, property) {
    client ??= createClient();
    const value = Reflect.get(client, property, client);
    return typeof value === 'function' ? value.bind(client) : value;
  },
});
