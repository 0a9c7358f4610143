import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clearApiKeyCache, verifyApiKey } from '../../functions/core/identity/verify-api-key';
import { handler as apiKeyAuthorizer } from '../../functions/auth/api-key-authorizer';
import { digestApiKey, issueApiKey } from '../../functions/core/applications';

const ddb = mockClient(DynamoDBDocumentClient);

function lookupItem(key: string, overrides: Record<string, unknown> = {}) {
  return {
    PK: `KEY#${digestApiKey(key)}`,
    SK: 'KEY',
    type: 'keyLookup',
    applicationId: 'app_000000000000000000000001',
    keyId: 'key_000000000000000000000001',
    ownerOrgId: 'org_000000000000000000000001',
    enabled: true,
    grants: { org_000000000000000000000002: { roles: ['observer'] } },
    ...overrides,
  };
}

beforeEach(() => {
  ddb.reset();
  clearApiKeyCache();
});

describe('API key verification', () => {
  it('a cold verification costs exactly one GetItem, by digest, never by plaintext', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key) });
    const principal = await verifyApiKey(key, 1_000);
    expect(principal).toEqual({
      type: 'application',
      applicationId: 'app_000000000000000000000001',
      keyId: 'key_000000000000000000000001',
      ownerOrgId: 'org_000000000000000000000001',
      grants: { org_000000000000000000000002: { roles: ['observer'] } },
    });
    const calls = ddb.commandCalls(GetCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.Key).toEqual({ PK: `KEY#${digestApiKey(key)}`, SK: 'KEY' });
    expect(JSON.stringify(calls[0]!.args[0].input)).not.toContain(key);
  });

  it('a warm verification within the cache TTL makes no DynamoDB call at all', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key) });
    await verifyApiKey(key, 1_000);
    const before = ddb.calls().length;
    await verifyApiKey(key, 5_999);
    expect(ddb.calls().length).toBe(before);
  });

  it('lastUsedAt is written on first use and then at most once a minute, on the key record', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key) });
    ddb.on(UpdateCommand).resolves({});
    for (let at = 1_000; at < 60_000; at += 500) await verifyApiKey(key, at);
    const writes = ddb.commandCalls(UpdateCommand);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.args[0].input).toMatchObject({
      Key: { PK: 'APP#app_000000000000000000000001', SK: 'KEY#key_000000000000000000000001' },
      ExpressionAttributeValues: { ':lastUsedAt': new Date(1_000).toISOString() },
    });
    await verifyApiKey(key, 61_000);
    expect(ddb.commandCalls(UpdateCommand)).toHaveLength(2);
  });

  it('the authorizer answers only after its lastUsedAt write settled, so Lambda never freezes it in flight', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key) });
    let written = false;
    ddb.on(UpdateCommand).callsFake(async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      written = true;
      return {};
    });
    const event = {
      type: 'REQUEST',
      methodArn: 'arn:aws:execute-api:eu-west-1:123456789012:api/v1/GET/v2/whoami',
      headers: { 'x-api-key': key },
    } as unknown as Parameters<typeof apiKeyAuthorizer>[0];
    const answer = await apiKeyAuthorizer(event);
    expect(answer.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    expect(written).toBe(true);
  });

  it('a key disabled in the table is refused once the 5 s cache entry is stale', async () => {
    const { key } = issueApiKey();
    ddb
      .on(GetCommand)
      .resolvesOnce({ Item: lookupItem(key) })
      .resolves({ Item: lookupItem(key, { enabled: false }) });
    expect(await verifyApiKey(key, 1_000)).toBeDefined();
    expect(await verifyApiKey(key, 6_000)).toBeUndefined();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(2);
  });

  it('a mistyped or malformed key is refused without a database read', async () => {
    const { key } = issueApiKey();
    const typo = key.slice(0, 20) + (key[20] === 'x' ? 'y' : 'x') + key.slice(21);
    for (const candidate of [typo, 'dgk_short', '', undefined, `Bearer ${key}`]) {
      expect(await verifyApiKey(candidate, 1_000)).toBeUndefined();
    }
    expect(ddb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('an unknown key is refused, and the miss is cached so a flood of it costs one read', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({});
    expect(await verifyApiKey(key, 1_000)).toBeUndefined();
    expect(await verifyApiKey(key, 2_000)).toBeUndefined();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });

  it('a key past its expiresAt is refused even from a warm cache', async () => {
    const { key } = issueApiKey();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key, { expiresAt: new Date(3_000).toISOString() }) });
    expect(await verifyApiKey(key, 1_000)).toBeDefined();
    expect(await verifyApiKey(key, 3_000)).toBeUndefined();
    expect(ddb.commandCalls(GetCommand)).toHaveLength(1);
  });
});
