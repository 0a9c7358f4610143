import { useTestApi } from '../support/local-api';
import { connect, createApplication, createOrg, eventually, expectStatus, signIn, type Member } from '../support/scenario';

/**
 * The key lifecycle through the HTTP API, and its effect on the data API: each change takes
 * effect within 10 seconds (the integration suite runs the authorizer cache at 1 s).
 */

const api = useTestApi();

let admin: Member;
let orgId: string;
let applicationId: string;
let firstKey: string;
let firstKeyId: string;
let keysPath: string;

const works = async (key: string) => (await api.call('GET', `/v2/datasources?org=${orgId}`, { key })).status === 200;
const refused = async (key: string) => (await api.call('GET', `/v2/datasources?org=${orgId}`, { key })).status === 401;

beforeEach(async () => {
  admin = await signIn(api, 'admin');
  orgId = await createOrg(api, admin, 'Keys Org');
  ({ applicationId, key: firstKey, keyId: firstKeyId } = await createApplication(api, orgId, admin, 'Pipeline'));
  await connect(api, orgId, admin, applicationId, ['observer']);
  keysPath = `/admin/orgs/${orgId}/applications/${applicationId}/keys`;
});

describe('API keys', () => {
  it('an application holds several keys, each with a label and an optional expiry; listings show hints only', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const second = await api.call('POST', keysPath, { token: admin.token, body: { label: 'ci', expiresAt } });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ label: 'ci', expiresAt, enabled: true, key: expect.stringMatching(/^dgk_/) });
    expect(await works(second.body.key)).toBe(true);

    const listed = await api.call('GET', keysPath, { token: admin.token });
    expect(listed.body.keys.map((k: { keyId: string }) => k.keyId).sort()).toEqual([firstKeyId, second.body.keyId].sort());
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(firstKey);
    expect(text).not.toContain(second.body.key);
    expect(text).not.toContain('digest');
  });

  it('an expiry in the past is 400; a key past its expiry is refused', async () => {
    const past = await api.call('POST', keysPath, {
      token: admin.token,
      body: { expiresAt: new Date(Date.now() - 1000).toISOString() },
    });
    expect(past.status).toBe(400);
    const soon = await api.call('POST', keysPath, {
      token: admin.token,
      body: { expiresAt: new Date(Date.now() + 1500).toISOString() },
    });
    expect(await works(soon.body.key)).toBe(true);
    await eventually(() => refused(soon.body.key), 10_000);
  });

  it('a disabled key stops within 10 s and works again once enabled', async () => {
    expect(await works(firstKey)).toBe(true);
    const disabled = await api.call('PATCH', `${keysPath}/${firstKeyId}`, {
      token: admin.token,
      body: { enabled: false, label: 'paused' },
    });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, label: 'paused' });
    await eventually(() => refused(firstKey), 10_000);
    expectStatus(await api.call('PATCH', `${keysPath}/${firstKeyId}`, { token: admin.token, body: { enabled: true } }), 200);
    await eventually(() => works(firstKey), 10_000);
    expect((await api.call('PATCH', `${keysPath}/${firstKeyId}`, { token: admin.token, body: {} })).status).toBe(400);
  });

  it('an expiry can be set, moved and removed later (extension); a key moved into the past is refused', async () => {
    const keyPath = `${keysPath}/${firstKeyId}`;
    const later = new Date(Date.now() + 86_400_000).toISOString();
    const set = await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: later } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ keyId: firstKeyId, expiresAt: later, enabled: true });
    const cleared = await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body).not.toHaveProperty('expiresAt');
    const listed = (await api.call('GET', keysPath, { token: admin.token })).body.keys.find(
      (k: { keyId: string }) => k.keyId === firstKeyId,
    );
    expect(listed).not.toHaveProperty('expiresAt');
    expect((await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: '2020-01-01T00:00:00Z' } })).status).toBe(
      400,
    );
    expect((await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: 'tomorrow' } })).status).toBe(400);

    expect(await works(firstKey)).toBe(true);
    const soon = new Date(Date.now() + 1500).toISOString();
    expectStatus(await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: soon } }), 200);
    await eventually(() => refused(firstKey), 10_000);
  });

  it('a regenerated key in its grace period can be stopped sooner, but its expiry cannot be removed', async () => {
    const regenerated = await api.call('POST', `${keysPath}/${firstKeyId}/regenerate`, {
      token: admin.token,
      body: { graceSeconds: 3600 },
    });
    expect(regenerated.status).toBe(201);
    const keyPath = `${keysPath}/${firstKeyId}`;
    expect((await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: null } })).status).toBe(409);
    const sooner = new Date(Date.now() + 1500).toISOString();
    expectStatus(await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: sooner } }), 200);
    await eventually(() => refused(firstKey), 10_000);
    expect(await works(regenerated.body.key)).toBe(true);
  });

  it('a deleted key stops within 10 s', async () => {
    expect(await works(firstKey)).toBe(true);
    expect((await api.call('DELETE', `${keysPath}/${firstKeyId}`, { token: admin.token })).status).toBe(204);
    await eventually(() => refused(firstKey), 10_000);
    expect((await api.call('DELETE', `${keysPath}/${firstKeyId}`, { token: admin.token })).status).toBe(404);
  });

  it('a regenerated key with grace 0 is refused at once (within the cache bound); the successor works', async () => {
    expect(await works(firstKey)).toBe(true);
    const regenerated = await api.call('POST', `${keysPath}/${firstKeyId}/regenerate`, { token: admin.token, body: {} });
    expect(regenerated.status).toBe(201);
    expect(regenerated.body.keyId).not.toBe(firstKeyId);
    expect(await works(regenerated.body.key)).toBe(true);
    await eventually(() => refused(firstKey), 10_000);
    const keys = (await api.call('GET', keysPath, { token: admin.token })).body.keys;
    expect(keys.map((k: { keyId: string }) => k.keyId)).toEqual([regenerated.body.keyId]);
  });

  it('with a grace period both keys work, the old one shows its end and successor, and cannot be regenerated again', async () => {
    const before = Date.now();
    const regenerated = await api.call('POST', `${keysPath}/${firstKeyId}/regenerate`, {
      token: admin.token,
      body: { graceSeconds: 3600 },
    });
    expect(regenerated.status).toBe(201);
    expect(await works(firstKey)).toBe(true);
    expect(await works(regenerated.body.key)).toBe(true);
    const old = (await api.call('GET', keysPath, { token: admin.token })).body.keys.find(
      (k: { keyId: string }) => k.keyId === firstKeyId,
    );
    expect(old.replacedBy).toBe(regenerated.body.keyId);
    expect(Date.parse(old.expiresAt) - before).toBeGreaterThanOrEqual(3600_000 - 1000);
    expect(Date.parse(old.expiresAt) - before).toBeLessThanOrEqual(3600_000 + 5000);
    expect((await api.call('POST', `${keysPath}/${firstKeyId}/regenerate`, { token: admin.token, body: {} })).status).toBe(409);
    expect(
      (await api.call('POST', `${keysPath}/${firstKeyId}/regenerate`, { token: admin.token, body: { graceSeconds: 604801 } }))
        .status,
    ).toBe(400);
  });

  it('two regenerations of the same key at once leave exactly one successor', async () => {
    const answers = await Promise.all(
      [0, 1].map(() =>
        api.call('POST', `${keysPath}/${firstKeyId}/regenerate`, { token: admin.token, body: { graceSeconds: 60 } }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
    const keys = (await api.call('GET', keysPath, { token: admin.token })).body.keys;
    expect(keys).toHaveLength(2);
    const successor = answers.find((answer) => answer.status === 201)!.body;
    expect(keys.find((k: { keyId: string }) => k.keyId === firstKeyId).replacedBy).toBe(successor.keyId);
  });

  it('lastUsedAt appears on a key once it is used', async () => {
    const started = Date.now();
    expect(await works(firstKey)).toBe(true);
    await eventually(async () => {
      const key = (await api.call('GET', keysPath, { token: admin.token })).body.keys[0];
      return key.lastUsedAt !== undefined && Date.parse(key.lastUsedAt) >= started - 1000;
    }, 5_000);
  });

  it('an application holds at most 20 keys', async () => {
    for (let count = 1; count < 20; count++)
      expectStatus(await api.call('POST', keysPath, { token: admin.token, body: {} }), 201);
    expect((await api.call('POST', keysPath, { token: admin.token, body: {} })).status).toBe(409);
  });

  it("keys of another org's application are not reachable through this org", async () => {
    const otherAdmin = await signIn(api, 'other');
    const otherOrg = await createOrg(api, otherAdmin, 'Other');
    expect(
      (await api.call('GET', `/admin/orgs/${otherOrg}/applications/${applicationId}/keys`, { token: otherAdmin.token })).status,
    ).toBe(404);
    expect(
      (
        await api.call('POST', `/admin/orgs/${otherOrg}/applications/${applicationId}/keys`, {
          token: otherAdmin.token,
          body: {},
        })
      ).status,
    ).toBe(404);
  });
});
