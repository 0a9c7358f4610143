import { useTestApi } from '../support/local-api';
import { connect, createApplication, createDatasource, createOrg, eventually, signIn, type Member } from '../support/scenario';

/**
 * IP allowlists of API keys (contract section 12), through the HTTP API of `npm start`'s router:
 * the router hands the authorizer the socket's address, as API Gateway hands it the address it
 * saw, and nothing the client writes in a header. The suite's server listens on 127.0.0.1 and
 * on ::1, so both families are tried for real. The integration suite runs the authorizer cache
 * at 1 s; a change must show within the contract's 10 s.
 */

const api = useTestApi();

let admin: Member;
let orgId: string;
let applicationId: string;
let keysPath: string;
const DATASOURCES = 60;

/** Lists the org's datasources with `key` from IPv4 (127.0.0.1) or IPv6 (::1). */
async function listFrom(family: 4 | 6, key: string, headers: Record<string, string> = {}) {
  const base = family === 4 ? api.url : api.runtime.server.urlV6;
  if (!base) throw new Error('This machine has no IPv6 loopback.');
  const response = await fetch(`${base}/v2/datasources?org=${orgId}`, { headers: { 'x-api-key': key, ...headers } });
  return { status: response.status, body: (await response.json()) as any };
}

async function newKey(allowedCidrs?: unknown) {
  const answer = await api.call('POST', keysPath, { token: admin.token, body: { label: 'fenced', allowedCidrs } });
  return answer;
}

beforeAll(async () => {
  admin = await signIn(api, 'ip-admin');
  orgId = await createOrg(api, admin, 'Fenced network');
  for (let index = 0; index < DATASOURCES; index += 10) {
    await Promise.all(
      Array.from({ length: 10 }, (_unused, offset) => createDatasource(api, orgId, admin, `Site ${index + offset}`)),
    );
  }
  ({ applicationId } = await createApplication(api, orgId, admin, 'Fenced app'));
  await connect(api, orgId, admin, applicationId, ['observer']);
  keysPath = `/admin/orgs/${orgId}/applications/${applicationId}/keys`;
});

describe('IP allowlists', () => {
  it('a key whose ranges hold the caller answers as usual; the listing shows the ranges', async () => {
    const created = await newKey(['10.0.0.0/8', '127.0.0.0/8']);
    expect(created.status).toBe(201);
    expect(created.body.allowedCidrs).toEqual(['10.0.0.0/8', '127.0.0.0/8']);
    const listed = await listFrom(4, created.body.key);
    expect(listed.status).toBe(200);
    expect(listed.body.datasources).toHaveLength(DATASOURCES);
    const keys = await api.call('GET', keysPath, { token: admin.token });
    expect(keys.body.keys.find((key: { keyId: string }) => key.keyId === created.body.keyId).allowedCidrs).toEqual([
      '10.0.0.0/8',
      '127.0.0.0/8',
    ]);
  });

  it('a request from outside every range is 403 ip_not_allowed, whatever X-Forwarded-For claims', async () => {
    const created = await newKey(['203.0.113.0/24']);
    const refused = await listFrom(4, created.body.key);
    expect(refused).toEqual({ status: 403, body: { message: expect.any(String), code: 'ip_not_allowed' } });
    const forged = await listFrom(4, created.body.key, { 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.7' });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('ip_not_allowed');
    // A key without a list answers from anywhere.
    const open = await newKey();
    expect(open.body.allowedCidrs).toBeUndefined();
    expect((await listFrom(4, open.body.key)).status).toBe(200);
  });

  it('IPv6: a ::1/128 range admits the IPv6 loopback and refuses the IPv4 one; an IPv4 range refuses IPv6', async () => {
    const v6 = await newKey(['2001:db8::/32', '::1/128']);
    expect(v6.status).toBe(201);
    expect((await listFrom(6, v6.body.key)).status).toBe(200);
    expect((await listFrom(4, v6.body.key)).body.code).toBe('ip_not_allowed');
    const v4 = await newKey(['127.0.0.1/32']);
    expect((await listFrom(4, v4.body.key)).status).toBe(200);
    expect((await listFrom(6, v4.body.key)).body.code).toBe('ip_not_allowed');
  });

  it('a change takes effect within 10 s: set with PATCH, then cleared with null and with []', async () => {
    const created = await newKey();
    const keyPath = `${keysPath}/${created.body.keyId}`;
    expect((await listFrom(4, created.body.key)).status).toBe(200);

    const fenced = await api.call('PATCH', keyPath, { token: admin.token, body: { allowedCidrs: ['198.51.100.0/24'] } });
    expect(fenced.status).toBe(200);
    expect(fenced.body.allowedCidrs).toEqual(['198.51.100.0/24']);
    const refusedAfter = await eventually(async () => (await listFrom(4, created.body.key)).status === 403, 10_000);
    expect(refusedAfter).toBeLessThan(10_000);

    const cleared = await api.call('PATCH', keyPath, { token: admin.token, body: { allowedCidrs: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.allowedCidrs).toBeUndefined();
    await eventually(async () => (await listFrom(4, created.body.key)).status === 200, 10_000);

    await api.call('PATCH', keyPath, { token: admin.token, body: { allowedCidrs: ['198.51.100.0/24'] } });
    await eventually(async () => (await listFrom(4, created.body.key)).status === 403, 10_000);
    const emptied = await api.call('PATCH', keyPath, { token: admin.token, body: { allowedCidrs: [] } });
    expect(emptied.status).toBe(200);
    expect(emptied.body.allowedCidrs).toBeUndefined();
    await eventually(async () => (await listFrom(4, created.body.key)).status === 200, 10_000);
    const listed = await api.call('GET', keysPath, { token: admin.token });
    expect(listed.body.keys.find((key: { keyId: string }) => key.keyId === created.body.keyId).allowedCidrs).toBeUndefined();
  });

  it('a regenerated key keeps its ranges', async () => {
    const created = await newKey(['127.0.0.1/32']);
    const successor = await api.call('POST', `${keysPath}/${created.body.keyId}/regenerate`, { token: admin.token, body: {} });
    expect(successor.status).toBe(201);
    expect(successor.body.allowedCidrs).toEqual(['127.0.0.1/32']);
    expect((await listFrom(6, successor.body.key)).body.code).toBe('ip_not_allowed');
  });

  it('bad ranges are 400 naming the bad one; more than 20 is 400; nothing is written', async () => {
    const before = (await api.call('GET', keysPath, { token: admin.token })).body.keys.length;
    const bad = await newKey(['10.0.0.0/8', '10.0.0.300/32']);
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'allowedCidrs.1', message: expect.stringContaining('10.0.0.300/32') }]);
    const prefix = await newKey(['2001:db8::/129']);
    expect(prefix.status).toBe(400);
    expect(prefix.body.details[0].message).toContain('2001:db8::/129');
    const hostBits = await newKey(['192.0.2.1/24']);
    expect(hostBits.status).toBe(400);
    expect(hostBits.body.details[0].message).toContain('192.0.2.0/24');
    const tooMany = await newKey(Array.from({ length: 21 }, (_unused, index) => `10.${index}.0.0/16`));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details[0]).toMatchObject({ path: 'allowedCidrs', message: expect.stringContaining('20') });
    const patched = await api.call('PATCH', `${keysPath}/${(await newKey()).body.keyId}`, {
      token: admin.token,
      body: { allowedCidrs: ['not-an-address'] },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.details[0]).toMatchObject({ path: 'allowedCidrs.0', message: expect.stringContaining('not-an-address') });
    expect((await api.call('GET', keysPath, { token: admin.token })).body.keys.length).toBe(before + 1);
  });
});
