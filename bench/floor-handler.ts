import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The floor of `bundle.authorizerVsFloor` and `init.authorizerVsFloor`: a Lambda handler that
 * does nothing but one GetItem with the document client, bundled with the same settings as the
 * authorizer. Anything the authorizer weighs or costs to load beyond this is Datagate's own.
 */

const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export async function handler(event: { digest: string }): Promise<Record<string, unknown> | undefined> {
  const result = await ddb.send(
    new GetCommand({ TableName: process.env.TABLE_NAME, Key: { PK: `KEY#${event.digest}`, SK: 'KEY' }, ConsistentRead: true }),
  );
  return result.Item;
}
