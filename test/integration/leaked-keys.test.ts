import { useTestApi, type ApiAnswer } from '../support/local-api';
import { connect, createApplication, createOrg, eventually, expectStatus, signIn, type Member } from '../support/scenario';
import { createTestScanner } from '../support/scanner-keys';

/**
 * Leaked keys (contract section 8 and `POST /v2/keys/revoke`): a secret scanner's signed report
 * revokes every real key in it at once, writes `key.leaked` with where it was found in each
 * owner org, and labels the candidates without revealing anything about other keys; anyone
 * holding a key can revoke it themselves. A revoked key stays revoked.
 */

const api = useTestApi();
const REPORT_PATH = '/secret-scanning/leaked-keys';

/** A report as GitHub sends it: the raw JSON body and the local scanner's signature of exactly those bytes. */
function report(
  candidates: unknown[],
  sign: (raw: string) => Record<string, string> = (raw) => api.runtime.server.scanner.sign(raw),
) {
  const raw = JSON.stringify(candidates);
  return api.call('POST', REPORT_PATH, { rawBody: raw, headers: { 'Content-Type': 'application/json', ...sign(raw) } });
}

const candidate = (token: string, url = 'https://github.com/someone/repo/blob/main/.env') => ({
  token,
  type: 'datagate_api_key',
  url,
  source: 'content',
});

async function auditEvents(orgId: string, admin: Member) {
  const answer = await api.call('GET', `/admin/orgs/${orgId}/audit-events?limit=100`, { token: admin.token });
  expectStatus(answer, 200);
  return answer.body.events as {
    action: string;
    target: string;
    actor: { type: string; id: string };
    details?: Record<string, unknown>;
  }[];
}

const refusedWithin10s = (key: string) =>
  eventually(async () => (await api.call('GET', '/v2/whoami', { key })).status === 401, 10_000);

describe('a secret scanner reporting leaked keys', () => {
  let admin: Member;
  let orgId: string;
  let otherAdmin: Member;
  let otherOrgId: string;

  beforeAll(async () => {
    admin = await signIn(api, 'leak-admin');
    orgId = await createOrg(api, admin, 'Leaky');
    otherAdmin = await signIn(api, 'leak-other');
    otherOrgId = await createOrg(api, otherAdmin, 'Other');
  });

  it('revokes each real key, records where it was found in its owner org, and labels every candidate in order', async () => {
    const leaked = await createApplication(api, orgId, admin, 'Leaked app');
    await connect(api, orgId, admin, leaked.applicationId, ['observer']);
    const spare = await api.call('POST', `/admin/orgs/${orgId}/applications/${leaked.applicationId}/keys`, {
      token: admin.token,
      body: {},
    });
    expectStatus(spare, 201);
    const foreign = await createApplication(api, otherOrgId, otherAdmin, 'Other org app');
    const gone = await createApplication(api, orgId, admin, 'Deleted app');
    expectStatus(
      await api.call('DELETE', `/admin/orgs/${orgId}/applications/${gone.applicationId}`, { token: admin.token }),
      204,
    );
    expectStatus(await api.call('GET', '/v2/whoami', { key: leaked.key }), 200);

    const candidates = [
      candidate(leaked.key),
      candidate(gone.key),
      candidate('dgk_not-a-key'),
      candidate(`${leaked.key.slice(0, -1)}${leaked.key.endsWith('a') ? 'b' : 'a'}`),
      candidate(foreign.key, 'https://gist.github.com/someone/abc'),
    ];
    const answer = await report(candidates);
    expectStatus(answer, 200);
    expect(answer.body).toEqual([
      { token_raw: leaked.key, token_type: 'datagate_api_key', label: 'true_positive' },
      { token_raw: gone.key, token_type: 'datagate_api_key', label: 'false_positive' },
      { token_raw: 'dgk_not-a-key', token_type: 'datagate_api_key', label: 'false_positive' },
      { token_raw: candidates[3]!.token, token_type: 'datagate_api_key', label: 'false_positive' },
      { token_raw: foreign.key, token_type: 'datagate_api_key', label: 'true_positive' },
    ]);

    // Disabled at once; the data API follows within the contract's 10 seconds.
    await refusedWithin10s(leaked.key);
    await refusedWithin10s(foreign.key);
    // The application's other key is not touched.
    expectStatus(await api.call('GET', '/v2/whoami', { key: spare.body.key }), 200);

    const keys = await api.call('GET', `/admin/orgs/${orgId}/applications/${leaked.applicationId}/keys`, { token: admin.token });
    const revoked = keys.body.keys.find((key: { keyId: string }) => key.keyId === leaked.keyId);
    expect(revoked).toEqual(expect.objectContaining({ enabled: false, revokedAt: expect.any(String) }));

    const events = (await auditEvents(orgId, admin)).filter((event) => event.action === 'key.leaked');
    expect(events).toEqual([
      expect.objectContaining({
        target: leaked.keyId,
        actor: { type: 'secretScanner', id: expect.any(String) },
        details: expect.objectContaining({
          applicationId: leaked.applicationId,
          url: 'https://github.com/someone/repo/blob/main/.env',
          source: 'content',
          type: 'datagate_api_key',
        }),
      }),
    ]);
    // Each owner org hears of its own key, and only of it.
    const otherEvents = (await auditEvents(otherOrgId, otherAdmin)).filter((event) => event.action === 'key.leaked');
    expect(otherEvents.map((event) => [event.target, event.details?.url])).toEqual([
      [foreign.keyId, 'https://gist.github.com/someone/abc'],
    ]);
    expect(JSON.stringify(otherEvents)).not.toContain(leaked.applicationId);
  });

  it('a key reported again is labelled the same, with no second event', async () => {
    const application = await createApplication(api, orgId, admin, 'Reported twice');
    expectStatus(await report([candidate(application.key)]), 200);
    const again = await report([candidate(application.key), candidate(application.key)]);
    expect(again.body.map((verdict: { label: string }) => verdict.label)).toEqual(['true_positive', 'true_positive']);
    const events = (await auditEvents(orgId, admin)).filter(
      (event) => event.action === 'key.leaked' && event.target === application.keyId,
    );
    expect(events).toHaveLength(1);
  });

  it('a disabled key is revoked too, and a revoked key can be neither enabled again nor extended: only regenerated', async () => {
    const application = await createApplication(api, orgId, admin, 'Disabled then leaked');
    const keyPath = `/admin/orgs/${orgId}/applications/${application.applicationId}/keys/${application.keyId}`;
    expectStatus(await api.call('PATCH', keyPath, { token: admin.token, body: { enabled: false } }), 200);
    const answer = await report([candidate(application.key)]);
    expect(answer.body[0].label).toBe('true_positive');
    const enable = await api.call('PATCH', keyPath, { token: admin.token, body: { enabled: true } });
    expect({ status: enable.status, code: enable.body.code }).toEqual({ status: 409, code: 'conflict' });
    expectStatus(await api.call('PATCH', keyPath, { token: admin.token, body: { expiresAt: '2099-01-01T00:00:00Z' } }), 409);
    const successor = await api.call('POST', `${keyPath}/regenerate`, { token: admin.token, body: {} });
    expectStatus(successor, 201);
    expectStatus(await api.call('GET', '/v2/whoami', { key: successor.body.key }), 200);
  });

  it('refuses (401) a report that is unsigned, signed by another key pair, altered after signing, or names an unknown key, and revokes nothing', async () => {
    const application = await createApplication(api, orgId, admin, 'Not really leaked');
    const body = [candidate(application.key)];
    const impostor = createTestScanner(api.runtime.server.scanner.keyIdentifier);
    const attempts: Record<string, ApiAnswer> = {
      unsigned: await report(body, () => ({})),
      'signature without identifier': await report(body, (raw) => ({
        'Github-Public-Key-Signature': api.runtime.server.scanner.sign(raw)['Github-Public-Key-Signature']!,
      })),
      'another key pair under the same identifier': await report(body, (raw) => impostor.sign(raw)),
      'altered after signing': await report(body, (raw) => api.runtime.server.scanner.sign(raw.replace('content', 'commit'))),
      'unknown key identifier': await report(body, (raw) => ({
        ...api.runtime.server.scanner.sign(raw),
        'Github-Public-Key-Identifier': 'made-up-identifier',
      })),
      'garbage signature': await report(body, () => ({
        'Github-Public-Key-Identifier': api.runtime.server.scanner.keyIdentifier,
        'Github-Public-Key-Signature': 'bm90IGEgc2lnbmF0dXJl',
      })),
    };
    for (const [name, answer] of Object.entries(attempts)) {
      expect({ name, status: answer.status, code: answer.body?.code }).toEqual({ name, status: 401, code: 'unauthorized' });
    }
    expectStatus(await api.call('GET', '/v2/whoami', { key: application.key }), 200);
    const events = (await auditEvents(orgId, admin)).filter(
      (event) => event.target === application.keyId && event.action === 'key.leaked',
    );
    expect(events).toEqual([]);
  });

  it('answers 400 for a report that is not an array of candidates, and the local scanner publishes its keys', async () => {
    expectStatus(await report({ token: 'x' } as unknown as unknown[]), 400);
    expectStatus(await report([]), 400);
    const published = await fetch(`${api.url}/local/secret-scanning/public-keys`);
    const document = (await published.json()) as { public_keys: { key_identifier: string; key: string }[] };
    expect(document.public_keys[0]).toEqual(
      expect.objectContaining({
        key_identifier: api.runtime.server.scanner.keyIdentifier,
        key: expect.stringContaining('BEGIN PUBLIC KEY'),
      }),
    );
  });
});

describe('POST /v2/keys/revoke: a key holder revokes their own key', () => {
  it('disables the key for good, writes key.revoke in the owner org, and leaves the other keys working', async () => {
    const admin = await signIn(api, 'revoke-admin');
    const orgId = await createOrg(api, admin, 'Revoker');
    const application = await createApplication(api, orgId, admin, 'Oops');
    const spare = await api.call('POST', `/admin/orgs/${orgId}/applications/${application.applicationId}/keys`, {
      token: admin.token,
      body: {},
    });
    expectStatus(spare, 201);

    const revoked = await api.call('POST', '/v2/keys/revoke', { key: application.key });
    expectStatus(revoked, 200);
    expect(revoked.body).toEqual({
      applicationId: application.applicationId,
      keyId: application.keyId,
      enabled: false,
      revokedAt: expect.any(String),
    });
    await refusedWithin10s(application.key);
    expectStatus(await api.call('POST', '/v2/keys/revoke', { key: application.key }), 401);
    expectStatus(await api.call('GET', '/v2/whoami', { key: spare.body.key }), 200);

    const events = (await auditEvents(orgId, admin)).filter((event) => event.action === 'key.revoke');
    expect(events).toEqual([
      expect.objectContaining({ target: application.keyId, actor: { type: 'application', id: application.applicationId } }),
    ]);
    const enable = await api.call(
      'PATCH',
      `/admin/orgs/${orgId}/applications/${application.applicationId}/keys/${application.keyId}`,
      {
        token: admin.token,
        body: { enabled: true },
      },
    );
    expectStatus(enable, 409);
  });

  it('a mistyped key or a JWT cannot revoke anything (401)', async () => {
    const admin = await signIn(api, 'revoke-typo');
    const orgId = await createOrg(api, admin, 'Typo');
    const application = await createApplication(api, orgId, admin, 'Typo app');
    expectStatus(
      await api.call('POST', '/v2/keys/revoke', {
        key: `${application.key.slice(0, -1)}${application.key.endsWith('a') ? 'b' : 'a'}`,
      }),
      401,
    );
    expectStatus(await api.call('POST', '/v2/keys/revoke', { token: admin.token }), 401);
    expectStatus(await api.call('GET', '/v2/whoami', { key: application.key }), 200);
  });
});
