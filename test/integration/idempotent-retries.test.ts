import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/core/store/table';
import { localClient } from '../../lib/local/dynamodb-local';
import { useTestApi, type TestApi } from '../support/local-api';
import { dataOrg } from '../support/data-api';
import { createOrg, expectStatus, signIn, type Member } from '../support/scenario';
import { brokenInvariants, scanTable } from '../support/table-invariants';

/**
 * Idempotent retries through HTTP: every POST under /admin and POST /v2/report-requests take an
 * `Idempotency-Key`. A retry with the same key and body replays the first answer and makes
 * nothing new; another body is 422; a retry while the first still runs is 409; keys are the
 * caller's own.
 */

const api = useTestApi();
let scanClient: DynamoDBDocumentClient;

/** Holds the next transaction of the functions until released: a first request still running. */
let hold: { reached: () => void; released: Promise<void> } | undefined;

beforeAll(() => {
  scanClient = DynamoDBDocumentClient.from(localClient(process.env.DYNAMODB_ENDPOINT!));
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      if (hold && context.commandName === 'TransactWriteItemsCommand') {
        const held = hold;
        hold = undefined;
        held.reached();
        await held.released;
      }
      return next(args);
    },
    { step: 'initialize', name: 'holdNextTransaction' },
  );
});

afterAll(() => scanClient?.destroy());

function createApplication(api: TestApi, orgId: string, admin: Member, name: string, key?: string) {
  return api.call('POST', `/admin/orgs/${orgId}/applications`, {
    token: admin.token,
    body: { name },
    ...(key ? { headers: { 'Idempotency-Key': key } } : {}),
  });
}

async function applicationNames(orgId: string, admin: Member): Promise<string[]> {
  const listing = await api.call('GET', `/admin/orgs/${orgId}/applications`, { token: admin.token });
  expectStatus(listing, 200);
  return (listing.body.applications as { name: string }[]).map((application) => application.name);
}

async function idempotencyItems() {
  return (await scanTable(scanClient, process.env.TABLE_NAME!)).filter((item) => String(item.PK).startsWith('IDEMPOTENCY#'));
}

describe('Idempotency-Key on POST /admin', () => {
  it('a create-application retried with the same key makes one application and replays the first answer', async () => {
    const admin = await signIn(api, 'idem-admin');
    const orgId = await createOrg(api, admin, 'Idempotent');
    const key = randomUUID();

    const first = await createApplication(api, orgId, admin, 'Retried app', key);
    expectStatus(first, 201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await createApplication(api, orgId, admin, 'Retried app', key);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), body: again.body }).toEqual({
      status: 201,
      replayed: 'true',
      body: first.body,
    });
    // The replayed key is the one the first answer carried, and it works.
    expect((await api.call('GET', '/v2/whoami', { key: again.body.apiKey.key })).status).toBe(200);
    expect(await applicationNames(orgId, admin)).toEqual(['Retried app']);

    // The same body sent again with keys in another order and other spacing is the same request.
    const respaced = await api.call('POST', `/admin/orgs/${orgId}/applications`, {
      token: admin.token,
      rawBody: '{ "name" :  "Retried app" }',
      headers: { 'Content-Type': 'application/json', 'idempotency-key': key },
    });
    expect({ status: respaced.status, replayed: respaced.headers.get('idempotent-replayed') }).toEqual({
      status: 201,
      replayed: 'true',
    });

    // Without a key, the same request is a new one.
    expectStatus(await createApplication(api, orgId, admin, 'Retried app'), 201);
    expect(await applicationNames(orgId, admin)).toEqual(['Retried app', 'Retried app']);
  });

  it('the table keeps neither the Idempotency-Key nor the answer (its new API key) in plaintext', async () => {
    const admin = await signIn(api, 'idem-secret');
    const orgId = await createOrg(api, admin, 'Idempotent secrets');
    const key = `secret-idempotency-key-${randomUUID()}`;
    const first = await createApplication(api, orgId, admin, 'Sealed app', key);
    expectStatus(first, 201);
    const stored = JSON.stringify(await idempotencyItems());
    expect(stored).toContain('"status":"answered"');
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(first.body.apiKey.key);
    expect(stored).not.toContain(first.body.application.applicationId);
    // Only this test's own items: other suites ingest into the shared table meanwhile, and their
    // aggregates are mid-flight while they run.
    const own = (await scanTable(scanClient, process.env.TABLE_NAME!)).filter((item) => {
      const text = JSON.stringify(item);
      return text.includes(orgId) || text.includes(first.body.application.applicationId);
    });
    expect(own.length).toBeGreaterThan(0);
    expect(brokenInvariants(own)).toEqual([]);
  });

  it('the same key with a different body is 422 idempotency_key_reused and creates nothing', async () => {
    const admin = await signIn(api, 'idem-reuse');
    const orgId = await createOrg(api, admin, 'Idempotent reuse');
    const key = randomUUID();
    expectStatus(await createApplication(api, orgId, admin, 'First body', key), 201);
    const reused = await createApplication(api, orgId, admin, 'Second body', key);
    expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    // The same key on another route is another request too.
    const elsewhere = await api.call('POST', `/admin/orgs/${orgId}/datasources`, {
      token: admin.token,
      body: { name: 'First body' },
      headers: { 'Idempotency-Key': key },
    });
    expect({ status: elsewhere.status, code: elsewhere.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    expect(await applicationNames(orgId, admin)).toEqual(['First body']);
  });

  it('while the first request is still running, the same key is 409 idempotency_key_in_use; then it replays', async () => {
    const admin = await signIn(api, 'idem-busy');
    const orgId = await createOrg(api, admin, 'Idempotent busy');
    const key = randomUUID();
    let release!: () => void;
    const reached = new Promise<void>((resolve) => {
      hold = { reached: resolve, released: new Promise<void>((done) => (release = done)) };
    });
    const running = createApplication(api, orgId, admin, 'Busy app', key);
    await reached;
    const during = await createApplication(api, orgId, admin, 'Busy app', key);
    expect({ status: during.status, code: during.body.code, retryAfter: during.headers.get('retry-after') }).toEqual({
      status: 409,
      code: 'idempotency_key_in_use',
      retryAfter: expect.stringMatching(/^\d+$/),
    });
    release();
    const first = await running;
    expectStatus(first, 201);
    const after = await createApplication(api, orgId, admin, 'Busy app', key);
    expect({ status: after.status, replayed: after.headers.get('idempotent-replayed'), body: after.body }).toEqual({
      status: 201,
      replayed: 'true',
      body: first.body,
    });
    expect(await applicationNames(orgId, admin)).toEqual(['Busy app']);
  });

  it("keys are the caller's own: another person sending the same key gets an answer of its own", async () => {
    const key = randomUUID();
    const ada = await signIn(api, 'idem-ada');
    const adaOrg = await createOrg(api, ada, 'Ada idempotent');
    const grace = await signIn(api, 'idem-grace');
    const graceOrg = await createOrg(api, grace, 'Grace idempotent');
    expectStatus(await createApplication(api, adaOrg, ada, 'Ada app', key), 201);
    const other = await createApplication(api, graceOrg, grace, 'Grace app', key);
    expect({ status: other.status, replayed: other.headers.get('idempotent-replayed') }).toEqual({
      status: 201,
      replayed: null,
    });
    expect(await applicationNames(graceOrg, grace)).toEqual(['Grace app']);
  });

  it('a request that fails frees its key: the retry runs again', async () => {
    const admin = await signIn(api, 'idem-fail');
    const orgId = await createOrg(api, admin, 'Idempotent failure');
    const key = randomUUID();
    const body = { applicationId: 'app_000000000000000000000000', roles: ['observer'] };
    const call = () =>
      api.call('POST', `/admin/orgs/${orgId}/connections`, { token: admin.token, body, headers: { 'Idempotency-Key': key } });
    const first = await call();
    expect(first.status).toBe(404);
    const again = await call();
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed') }).toEqual({ status: 404, replayed: null });
  });

  it('an Idempotency-Key of more than 255 characters is 400', async () => {
    const admin = await signIn(api, 'idem-long');
    const answer = await api.call('POST', '/admin/orgs', {
      token: admin.token,
      body: { name: 'Too long a key' },
      headers: { 'Idempotency-Key': 'k'.repeat(256) },
    });
    expect({ status: answer.status, code: answer.body.code, path: answer.body.details?.[0]?.path }).toEqual({
      status: 400,
      code: 'validation_error',
      path: 'headers.Idempotency-Key',
    });
    const orgs = await api.call('GET', '/admin/orgs', { token: admin.token });
    expect(orgs.body.orgs).toEqual([]);
  });
});

describe('Idempotency-Key on POST /v2/report-requests', () => {
  it('a retried report request replays its report; another application with the same key gets its own', async () => {
    const org = await dataOrg(api, 2);
    const now = Date.now();
    const body = {
      org: org.orgId,
      report: 'datasource-measurements',
      outputFrequency: 'hour',
      allDatasources: true,
      startTime: new Date(now - 3 * 3600_000).toISOString(),
      endTime: new Date(now - 3600_000).toISOString(),
    };
    const key = randomUUID();
    const request = (apiKey: string, sent: Record<string, unknown> = body) =>
      api.call('POST', '/v2/report-requests', { key: apiKey, body: sent, headers: { 'Idempotency-Key': key } });

    const first = await request(org.keys.observer);
    expectStatus(first, 200);
    const again = await request(org.keys.observer);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), id: again.body.reportId }).toEqual({
      status: 200,
      replayed: 'true',
      id: first.body.reportId,
    });
    const reused = await request(org.keys.observer, { ...body, outputFrequency: 'day' });
    expect({ status: reused.status, code: reused.body.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });

    const otherApplication = await request(org.keys.analyst);
    expectStatus(otherApplication, 200);
    expect(otherApplication.headers.get('idempotent-replayed')).toBeNull();
    expect(otherApplication.body.reportId).not.toBe(first.body.reportId);
  });
});
