import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { clearApiKeyCache, verifyApiKey } from '../../functions/core/identity/verify-api-key';
import { digestApiKey, issueApiKey } from '../../functions/core/applications';

/**
 * What a caller can learn from how a refused key is verified, proven by structure rather than
 * timers: every refused key that is well formed (unknown, disabled, expired) costs exactly the
 * same work (one GetItem of the same shape, by digest, and no write), so their answers cannot
 * be told apart by the work done; a key with a wrong checksum costs no read at all, which tells
 * the caller only what the public key format already tells them. No secret is compared in
 * application code: the lookup is a hash-table probe on the SHA-256 digest. After the first
 * verification of a digest, refused and accepted keys alike are answered from the in-process
 * cache for its TTL (docs/security.md, "Timing").
 */

const ddb = mockClient(DynamoDBDocumentClient);
const NOW = Date.parse('2026-06-01T00:00:00Z');

function lookupItem(key: string, overrides: Record<string, unknown> = {}) {
  return {
    PK: `KEY#${digestApiKey(key)}`,
    SK: 'KEY',
    applicationId: 'app_000000000000000000000001',
    keyId: 'key_000000000000000000000001',
    ownerOrgId: 'org_000000000000000000000001',
    enabled: true,
    grants: {},
    ...overrides,
  };
}

/** The DynamoDB requests one verification made, with the digest replaced, so shapes can be compared. */
async function workOf(key: string, item: Record<string, unknown> | undefined) {
  ddb.reset();
  clearApiKeyCache();
  ddb.on(GetCommand).resolves({ Item: item });
  ddb.on(UpdateCommand).resolves({});
  const principal = await verifyApiKey(key, NOW);
  const calls = ddb
    .calls()
    .map((call) => JSON.parse(JSON.stringify(call.args[0].input).replaceAll(digestApiKey(key), '<digest>')));
  return { accepted: principal !== undefined, calls };
}

afterAll(() => ddb.restore());

describe('verification side channels', () => {
  it('an unknown, a disabled and an expired key cost exactly the same work: one GetItem of the same shape, no write', async () => {
    const unknown = issueApiKey().key;
    const disabled = issueApiKey().key;
    const expired = issueApiKey().key;
    const work = {
      unknown: await workOf(unknown, undefined),
      disabled: await workOf(disabled, lookupItem(disabled, { enabled: false })),
      expired: await workOf(expired, lookupItem(expired, { expiresAt: new Date(NOW - 1000).toISOString() })),
    };
    for (const refused of Object.values(work)) expect(refused.accepted).toBe(false);
    expect(work.unknown.calls).toHaveLength(1);
    expect(work.unknown.calls[0]).toEqual({
      TableName: expect.any(String),
      Key: { PK: 'KEY#<digest>', SK: 'KEY' },
      ConsistentRead: true,
    });
    expect(work.disabled.calls).toEqual(work.unknown.calls);
    expect(work.expired.calls).toEqual(work.unknown.calls);
  });

  it('a key with a wrong checksum, a truncated key and a key of another shape cost no read at all', async () => {
    const { key } = issueApiKey();
    const last = key.at(-1)!;
    const wrongChecksum = `${key.slice(0, -1)}${last === 'a' ? 'b' : 'a'}`;
    for (const candidate of [wrongChecksum, key.slice(0, -3), `${key}x`, 'dgk_', 'Bearer x', '']) {
      expect(await workOf(candidate, lookupItem(candidate))).toEqual({ accepted: false, calls: [] });
    }
  });

  it('the key is looked up by its SHA-256 digest only: the plaintext never reaches DynamoDB', async () => {
    const { key } = issueApiKey();
    ddb.reset();
    clearApiKeyCache();
    ddb.on(GetCommand).resolves({ Item: lookupItem(key) });
    ddb.on(UpdateCommand).resolves({});
    await verifyApiKey(key, NOW);
    for (const call of ddb.calls()) expect(JSON.stringify(call.args[0].input)).not.toContain(key);
  });

  it('within the cache TTL an unknown key and a valid key are both answered with no DynamoDB call', async () => {
    const unknown = issueApiKey().key;
    const valid = issueApiKey().key;
    ddb.reset();
    clearApiKeyCache();
    ddb.on(GetCommand, { Key: { PK: `KEY#${digestApiKey(valid)}`, SK: 'KEY' } }).resolves({ Item: lookupItem(valid) });
    ddb.on(GetCommand, { Key: { PK: `KEY#${digestApiKey(unknown)}`, SK: 'KEY' } }).resolves({});
    ddb.on(UpdateCommand).resolves({});
    await verifyApiKey(unknown, NOW);
    await verifyApiKey(valid, NOW);
    ddb.resetHistory();
    expect(await verifyApiKey(unknown, NOW + 1000)).toBeUndefined();
    expect(await verifyApiKey(valid, NOW + 1000)).toBeDefined();
    expect(ddb.calls()).toHaveLength(0);
  });
});
