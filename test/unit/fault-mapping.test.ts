import { TransactWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { transact, translateDynamoError } from '../../functions/core/store/table';
import { ServiceUnavailableError } from '../../functions/core/platform/errors';
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

  it('a write refused for a transaction in flight on its item is 503 (tried again by the writes that retry)', () => {
    const conflict = Object.assign(new Error('Operation was rejected because there is an ongoing transaction for the item.'), {
      name: 'TransactionConflictException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    expect(translateDynamoError(conflict)).toBeInstanceOf(ServiceUnavailableError);
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

  const minutes: Record<string, unknown>[] = [
    { PK: 'MEAS#d', SK: '2026-01-01T10:05:00.000Z', metrics: { pm2_5ConcMassIndividual: 2.5 } },
    { PK: 'MEAS#d', SK: '2026-01-01T10:06:00.000Z', metrics: { pm2_5ConcMassIndividual: 4 } },
    { PK: 'MEAS#d', SK: '2026-01-01T11:00:00.000Z', metrics: { pm2_5ConcMassIndividual: 1 } },
  ];
  const rollups: Record<string, unknown>[] = [
    { PK: 'AGG#d', SK: 'H#2026-01-01T10:00:00.000Z', sum_pm2_5ConcMass: 6.5, count_pm2_5ConcMass: 2 },
    { PK: 'AGG#d', SK: 'H#2026-01-01T11:00:00.000Z', sum_pm2_5ConcMass: 1, count_pm2_5ConcMass: 1 },
    { PK: 'AGG#d', SK: 'D#2026-01-01T00:00:00.000Z', sum_pm2_5ConcMass: 7.5, count_pm2_5ConcMass: 3 },
  ];

  it('hold when every hourly and daily rollup is the count and sum of its minutes', () => {
    expect(brokenInvariants([...minutes, ...rollups])).toEqual([]);
  });

  it('report a rollup short of a minute, and a period whose minutes have no rollup', () => {
    expect(
      brokenInvariants([...minutes, { ...rollups[0]!, sum_pm2_5ConcMass: 2.5, count_pm2_5ConcMass: 1 }, rollups[2]!]),
    ).toEqual([
      expect.stringContaining(
        'rollup d|H#2026-01-01T10:00:00.000Z pm2_5ConcMass: count 1, nulls 0, sum 2.5, but its minutes give count 2, nulls 0, sum 6.5',
      ),
      expect.stringContaining('rollup d|H#2026-01-01T11:00:00.000Z pm2_5ConcMass: count 0'),
    ]);
  });

  it("excuse a short rollup only while its period is pending on the datasource's ingest lease", () => {
    const short = { ...rollups[0]!, sum_pm2_5ConcMass: 2.5, count_pm2_5ConcMass: 1 };
    const lease = (pending: string[]) => ({ PK: 'AGG#d', SK: 'LEASE', pending: new Set(pending) });
    expect(brokenInvariants([...minutes, short, rollups[1]!, rollups[2]!, lease(['H#2026-01-01T10:00:00.000Z'])])).toEqual([]);
    expect(brokenInvariants([...minutes, short, rollups[1]!, rollups[2]!, lease(['H#2026-01-01T11:00:00.000Z'])])).toEqual([
      expect.stringContaining('rollup d|H#2026-01-01T10:00:00.000Z pm2_5ConcMass: count 1'),
    ]);
  });

  const report = {
    PK: 'REPORT#r',
    SK: 'REPORT',
    reportId: 'r',
    orgId: 'o',
    applicationId: 'a',
    createdAt: '2026-01-01T10:00:00.000Z',
    partsDone: 1,
  };
  const part = { PK: 'REPORT#r', SK: 'PART#000000' };
  const quota = { PK: 'REPORTQUOTA#o', SK: '2026-01-01', count: 1 };
  // The application's share of the org's day, beside it.
  const share = { PK: 'REPORTQUOTA#o', SK: '2026-01-01#a', count: 1 };

  it('hold when each day’s report quota and each application’s share count its reports, and each report counts its parts', () => {
    expect(brokenInvariants([report, part, quota, share])).toEqual([]);
  });

  it('report a report without its quota count or share, a count without its report, and a part counted twice', () => {
    expect(brokenInvariants([report, part, share])).toEqual([expect.stringContaining('counts 0 but 1 reports')]);
    expect(brokenInvariants([report, part, quota])).toEqual([expect.stringContaining('2026-01-01#a counts 0 but 1 reports')]);
    expect(brokenInvariants([quota, share])).toHaveLength(2);
    expect(brokenInvariants([{ ...report, partsDone: 2 }, part, quota, share])).toEqual([
      expect.stringContaining('partsDone 2 but 1 PART#'),
    ]);
  });
});
