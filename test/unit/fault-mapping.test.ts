import { TransactWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { transact, translateDynamoError } from '../../functions/core/table';
import { ServiceUnavailableError } from '../../functions/core/errors';
import { FAULT_KINDS, faultError } from '../support/dynamo-faults';
import { brokenInvariants } from '../support/table-invariants';

describe('DynamoDB failures become 503', () => {
  it.each(FAULT_KINDS.filter((kind) => kind !== 'transactionCanceled'))('%s is answered 503 with Retry-After', (kind) => {
    const translated = translateDynamoError(faultError(kind, 'GetItemCommand'));
    expect(translated).toBeInstanceOf(ServiceUnavailableError);
    expect((translated as ServiceUnavailableError).headers).toEqual({ 'Retry-After': '1' });
  });

  it('an SDK error that never got an HTTP answer (the connection failed) is 503, even when its code was lost', () => {
    const wrapped = Object.assign(new Error('AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:1'), {
      $metadata: { attempts: 3, totalRetryDelay: 40 },
    });
    expect(translateDynamoError(wrapped)).toBeInstanceOf(ServiceUnavailableError);
  });

  it('a validation error DynamoDB answered is not turned into 503', () => {
    const answered = Object.assign(new Error('One or more parameter values were invalid'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(translateDynamoError(answered)).toBe(answered);
  });

  it('a transaction DynamoDB cancels for throttling is tried again, then answered 503', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(TransactWriteCommand).rejects(faultError('transactionCanceled', 'TransactWriteItemsCommand', 2));
    await expect(
      transact([{ ConditionCheck: { TableName: 't', Key: {}, ConditionExpression: 'x' } }], () => new Error('condition')),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
    expect(ddb.commandCalls(TransactWriteCommand).length).toBeGreaterThan(1);
    ddb.restore();
  });
});

describe('the table invariants the fault tests check', () => {
  const org = [
    { PK: 'ORG#o', SK: 'ORG' },
    { PK: 'ORG#o', SK: 'ADMINS', count: 1 },
    { PK: 'ORG#o', SK: 'PERSON#a@x.org', status: 'active', roles: ['admin'] },
  ];
  const application = [
    { PK: 'APP#a', SK: 'APP', applicationId: 'a' },
    { PK: 'APP#a', SK: 'KEY#k', applicationId: 'a', keyId: 'k', digest: 'd' },
    { PK: 'KEY#d', SK: 'KEY', applicationId: 'a', keyId: 'k', grants: { o: { roles: ['observer'] } } },
    { PK: 'APP#a', SK: 'CONN#o', roles: ['observer'] },
    { PK: 'ORG#o', SK: 'CONN#a', roles: ['observer'] },
  ];

  it('hold for a consistent table', () => {
    expect(brokenInvariants([...org, ...application])).toEqual([]);
  });

  it('report a one-sided connection, a stale snapshot, a key without its application and an org without an admin', () => {
    const broken = brokenInvariants([
      { ...org[0] },
      { ...org[1], count: 0 },
      { ...org[2], roles: ['observer'] },
      ...application.filter((item) => item.SK !== 'APP' && !(item.PK === 'ORG#o' && item.SK === 'CONN#a')),
    ]);
    expect(broken).toEqual(
      expect.arrayContaining([
        expect.stringContaining('has no application'),
        expect.stringContaining('one-sided'),
        expect.stringContaining('no active admin'),
      ]),
    );
    const stale = brokenInvariants([
      ...org,
      ...application.map((item) => (item.PK === 'KEY#d' ? { ...item, grants: {} } : item)),
    ]);
    expect(stale).toEqual([expect.stringContaining('grant snapshot')]);
  });
});
