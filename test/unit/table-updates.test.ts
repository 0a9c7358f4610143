import { DeleteCommand, DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import {
  ITEM_EXISTS,
  UPSERT,
  deleteNow,
  putNowUnless,
  updateItem,
  updateNow,
  updateNowReturningOld,
  updateRequest,
} from '../../functions/core/store/table';

/**
 * The table's one update-expression builder, and its one catch of a refused condition. What
 * DynamoDB makes of the expressions is proven against DynamoDB Local in
 * test/integration/table-verbs.test.ts; here, what is built.
 */

const key = { PK: 'P', SK: 'S' };

describe('updateRequest, the one update-expression builder', () => {
  it('builds SET, REMOVE, ADD (numbers and set members) and DELETE in one expression, under the default guard', () => {
    const request = updateRequest(key, {
      set: { name: 'n', left: undefined, gone: null },
      remove: ['old'],
      add: { count: 2 },
      addToSet: { pending: ['a', 'b'] },
      removeFromSet: { writers: ['w'] },
    });
    expect(request).toEqual({
      TableName: 'datagate-unit',
      Key: key,
      UpdateExpression: 'SET #name = :name REMOVE #gone, #old ADD #count :count, #pending :pending DELETE #writers :writers',
      ConditionExpression: ITEM_EXISTS.condition,
      ExpressionAttributeNames: {
        '#name': 'name',
        '#gone': 'gone',
        '#old': 'old',
        '#count': 'count',
        '#pending': 'pending',
        '#writers': 'writers',
      },
      ExpressionAttributeValues: { ':name': 'n', ':count': 2, ':pending': new Set(['a', 'b']), ':writers': new Set(['w']) },
    });
  });

  it('adds to numeric fields whose names hold any character through numbered placeholders', () => {
    const request = updateRequest(key, { add: { requests: 3, 'org#o-1#requests': 2, 'sum_pm2.5': 1.5 } }, UPSERT);
    expect(request.UpdateExpression).toBe('ADD #requests :requests, #f0 :f0, #f1 :f1');
    expect(request.ExpressionAttributeNames).toEqual({ '#requests': 'requests', '#f0': 'org#o-1#requests', '#f1': 'sum_pm2.5' });
    expect(request.ExpressionAttributeValues).toEqual({ ':requests': 3, ':f0': 2, ':f1': 1.5 });
  });

  it('never gives a numbered placeholder that a plain field or the guard uses', () => {
    const request = updateRequest(
      key,
      { set: { f0: 'plain' }, add: { 'a b': 1 } },
      { condition: '#f1 = :f2', names: { '#f1': 'other' }, values: { ':f2': 'x' } },
    );
    expect(request.UpdateExpression).toBe('SET #f0 = :f0 ADD #f3 :f3');
    expect(request.ExpressionAttributeNames).toEqual({ '#f0': 'f0', '#f3': 'a b', '#f1': 'other' });
    expect(request.ExpressionAttributeValues).toEqual({ ':f0': 'plain', ':f3': 1, ':f2': 'x' });
  });

  it('lets a guard name a field the update touches, and its new value, without declaring them', () => {
    const request = updateRequest(
      key,
      { set: { lastUsedAt: 't2' } },
      { condition: 'attribute_exists(PK) AND #lastUsedAt < :lastUsedAt' },
    );
    expect(request.ConditionExpression).toBe('attribute_exists(PK) AND #lastUsedAt < :lastUsedAt');
    expect(request.ExpressionAttributeNames).toEqual({ '#lastUsedAt': 'lastUsedAt' });
    expect(request.ExpressionAttributeValues).toEqual({ ':lastUsedAt': 't2' });
  });

  it('merges a guard that declares the same name as the update', () => {
    const request = updateRequest(
      key,
      { add: { version: 1 } },
      { condition: '#version = :readVersion', names: { '#version': 'version' }, values: { ':readVersion': 4 } },
    );
    expect(request.ExpressionAttributeNames).toEqual({ '#version': 'version' });
    expect(request.ExpressionAttributeValues).toEqual({ ':version': 1, ':readVersion': 4 });
  });

  it('refuses a guard placeholder that would silently mean something else', () => {
    expect(() =>
      updateRequest(key, { set: { status: 'a' } }, { condition: '#status = :x', names: { '#status': 'other' } }),
    ).toThrow(/#status/);
    expect(() =>
      updateRequest(key, { set: { status: 'a' } }, { condition: '#status = :status', values: { ':status': 'b' } }),
    ).toThrow(/:status/);
  });

  it('UPSERT sends no condition; a missing guard means the item must exist', () => {
    expect(updateRequest(key, { add: { n: 1 } }, UPSERT)).not.toHaveProperty('ConditionExpression');
    expect(updateRequest(key, { add: { n: 1 } }).ConditionExpression).toBe('attribute_exists(PK)');
    expect(updateItem(key, { add: { n: 1 } }, undefined).Update?.ConditionExpression).toBe('attribute_exists(PK)');
  });

  it('sends no empty placeholder maps (DynamoDB refuses them)', () => {
    const request = updateRequest(key, { remove: ['x'] }, { condition: 'attribute_exists(PK)' });
    expect(request).not.toHaveProperty('ExpressionAttributeValues');
    expect(request.ExpressionAttributeNames).toEqual({ '#x': 'x' });
  });

  it('a transaction item and a direct update carry the same request', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(UpdateCommand).resolves({});
    const changes = { set: { a: 1 }, add: { 'b#c': 2 } };
    await updateNow(key, changes);
    expect(ddb.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual(updateItem(key, changes).Update);
    ddb.restore();
  });
});

describe('a refused condition is an answer, not an error', () => {
  const refusal = (item?: Record<string, unknown>) =>
    new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: { httpStatusCode: 400 },
      ...(item ? { Item: marshall(item) } : {}),
    });
  let ddb: ReturnType<typeof mockClient>;
  beforeEach(() => {
    ddb = mockClient(DynamoDBDocumentClient);
  });
  afterEach(() => ddb.restore());

  it('updateNow and updateNowReturningOld answer false, deleteNow false', async () => {
    ddb.on(UpdateCommand).rejects(refusal());
    ddb.on(DeleteCommand).rejects(refusal());
    await expect(updateNow(key, { set: { a: 1 } })).resolves.toBe(false);
    await expect(updateNowReturningOld(key, { set: { a: 1 } })).resolves.toBe(false);
    await expect(deleteNow(key, ITEM_EXISTS)).resolves.toBe(false);
  });

  it('putNowUnless answers the item in the way, unmarshalled', async () => {
    ddb.on(PutCommand).rejects(refusal({ PK: 'P', SK: 'S', status: 'running' }));
    await expect(putNowUnless({ ...key, type: 't' }, ITEM_EXISTS)).resolves.toEqual({ PK: 'P', SK: 'S', status: 'running' });
  });

  it('answers what was written when nothing refused it', async () => {
    ddb.on(UpdateCommand).resolves({ Attributes: { a: 0 } });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    await expect(updateNow(key, { set: { a: 1 } })).resolves.toBe(true);
    await expect(updateNowReturningOld(key, { set: { a: 1 } })).resolves.toEqual({ a: 0 });
    await expect(putNowUnless({ ...key, type: 't' }, ITEM_EXISTS)).resolves.toBeUndefined();
    await expect(deleteNow(key)).resolves.toBe(true);
  });

  it('any other failure passes through', async () => {
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    ddb.on(UpdateCommand).rejects(throttled);
    ddb.on(PutCommand).rejects(throttled);
    await expect(updateNow(key, { set: { a: 1 } })).rejects.toBe(throttled);
    await expect(putNowUnless({ ...key, type: 't' }, ITEM_EXISTS)).rejects.toBe(throttled);
  });
});
