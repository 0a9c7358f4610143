import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/core/store/table';
import { worstCaseMs } from '../../functions/core/platform/sdk-timeouts';
import { ensureTable, freePort, localClient, startDynamoDbLocal, type RunningDynamoDb } from '../../lib/local/dynamodb-local';
import { startTestApi, type TestApi } from '../support/local-api';
import { connect, createApplication, createOrg, signIn } from '../support/scenario';
import { brokenInvariants, scanTable } from '../support/table-invariants';

/**
 * DynamoDB Local itself failing: stopped in the middle of a multi-step change (deleting an
 * application connected to three orgs), and hung (its process paused: connections are accepted,
 * nothing answers). Either way the API answers 503 with `Retry-After` (within 10 s when hung:
 * the SDK clients' bounded waits, functions/core/platform/sdk-timeouts.ts), nothing is left
 * broken, and once DynamoDB is back the API is too. This file runs its own DynamoDB Local
 * (persisting to a temporary directory, so a restart keeps the data), so the suite's shared one
 * is never disturbed.
 */

const TABLE = 'datagate-outage';
/** DynamoDB Local starts in seconds on an idle machine and in 45 s or more on a busy 2-core one. */
const RESTART_MS = 150_000;
let dynamo: RunningDynamoDb | undefined;
let port: number;
let dataDir: string;
let pidFile: string;
let api: TestApi;
let scanClient: DynamoDBDocumentClient;
const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, table: process.env.TABLE_NAME };

/** The java process of DynamoDB Local while a test holds it paused (SIGSTOP). */
let paused: number | undefined;

/** Runs `action` once, when the `n`th DynamoDB call of the functions is about to be sent. */
let beforeCall: { n: number; action: () => Promise<void> } | undefined;
let callsSeen = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'datagate-outage-'));
  pidFile = join(dataDir, 'dynamodb.pid');
  port = await freePort();
  dynamo = await startDynamoDbLocal({ port, dataDir, pidFile });
  await ensureTable(dynamo.endpoint, TABLE);
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = TABLE;
  api = await startTestApi();
  scanClient = DynamoDBDocumentClient.from(localClient(dynamo.endpoint));
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      callsSeen++;
      if (beforeCall && callsSeen === beforeCall.n) {
        const { action } = beforeCall;
        beforeCall = undefined;
        await action();
      }
      return next(args);
    },
    { step: 'initialize', name: 'stopDynamoDbMidRequest' },
  );
}, RESTART_MS);

afterAll(async () => {
  if (paused) process.kill(paused, 'SIGCONT');
  await api?.stop();
  scanClient?.destroy();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.env.DYNAMODB_ENDPOINT = saved.endpoint;
  process.env.TABLE_NAME = saved.table;
}, 30_000);

/** Polls `check` until it holds or `timeoutMs` passes; the last failure is the error. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** DynamoDB Local answers again (its own client, no bounded waits: it may still be busy catching up). */
async function dynamoDbAnswers(): Promise<boolean> {
  await scanClient.send(new ListTablesCommand({ Limit: 1 }));
  return true;
}

/** `/health` says ready, then `path` answers 200 again: the API is back, not only the database. */
async function apiIsBack(path: string, token: string): Promise<void> {
  await eventually('DynamoDB Local answers', dynamoDbAnswers, RESTART_MS);
  await eventually('GET /health is ready', async () => {
    const health = await api.call('GET', '/health');
    return health.status === 200 && health.body?.ready === true;
  });
  await eventually(`GET ${path} is 200`, async () => (await api.call('GET', path, { token })).status === 200);
}

it(
  'an application deletion whose DynamoDB stops mid-way answers 503, breaks nothing, and finishes when called again',
  async () => {
    const admin = await signIn(api, 'outage-admin');
    const orgId = await createOrg(api, admin, 'Outage');
    const application = await createApplication(api, orgId, admin, 'Doomed');
    for (const name of ['Outage A', 'Outage B']) {
      const other = await signIn(api, 'outage-other');
      const otherOrg = await createOrg(api, other, name);
      await connect(api, otherOrg, other, application.applicationId, ['observer']);
    }
    await connect(api, orgId, admin, application.applicationId, ['observer']);

    // Step 1 reads the membership, 2 the application, 3 tombstones it with its keys; DynamoDB
    // stops before step 4, the first connection's removal.
    callsSeen = 0;
    beforeCall = { n: 4, action: () => dynamo!.stop() };
    const path = `/admin/orgs/${orgId}/applications/${application.applicationId}`;
    const during = await api.call('DELETE', path, { token: admin.token });
    expect({ status: during.status, code: during.body?.code, retryAfter: during.headers.get('retry-after') }).toEqual({
      status: 503,
      code: 'unavailable',
      retryAfter: expect.stringMatching(/^\d+$/),
    });

    dynamo = await startDynamoDbLocal({ port, dataDir, pidFile });
    await apiIsBack(`/admin/orgs/${orgId}`, admin.token);
    expect(brokenInvariants(await scanTable(scanClient, TABLE))).toEqual([]);
    // The tombstone already stopped every key.
    expect((await api.call('GET', '/v2/whoami', { key: application.key })).status).toBe(401);

    const again = await api.call('DELETE', path, { token: admin.token });
    expect(again.status).toBe(204);
    const items = await scanTable(scanClient, TABLE);
    expect(brokenInvariants(items)).toEqual([]);
    expect(
      items.filter(
        (item) => String(item.PK) === `APP#${application.applicationId}` || item.SK === `CONN#${application.applicationId}`,
      ),
    ).toEqual([]);
  },
  // It restarts DynamoDB Local: minutes on a busy 2-core machine.
  RESTART_MS + 120_000,
);

it(
  'a hung DynamoDB (its process paused: connections open, nothing answers): /v2 (authorizer miss or cached key) and /admin answer 503 with Retry-After within 10 s, and answer again once it resumes',
  async () => {
    // The bound that makes it so: two attempts of at most 4 s each, within a function's 10 s.
    expect(worstCaseMs('dynamodb')).toBeLessThanOrEqual(8_000);
    const admin = await signIn(api, 'hung-admin');
    const orgId = await createOrg(api, admin, 'Hung');
    const application = await createApplication(api, orgId, admin, 'Waiting');
    await connect(api, orgId, admin, application.applicationId, ['observer']);
    // A second key, never used: its verification needs the table (the authorizer's cache misses).
    const second = await api.call('POST', `/admin/orgs/${orgId}/applications/${application.applicationId}/keys`, {
      token: admin.token,
      body: { label: 'never used' },
    });
    expect(second.status).toBe(201);
    // Every handler below loaded (a first import is seconds of compiling on a busy machine), and
    // the first key fresh in the authorizer's cache, as a client's in mid-session is.
    expect((await api.call('GET', `/admin/orgs/${orgId}`, { token: admin.token })).status).toBe(200);
    expect((await api.call('GET', '/v2/whoami', { key: application.key })).status).toBe(200);
    expect((await api.call('GET', `/v2/datasources?org=${orgId}`, { key: application.key })).status).toBe(200);

    paused = Number(readFileSync(pidFile, 'utf8'));
    process.kill(paused, 'SIGSTOP');
    const timed = async (call: Promise<{ status: number; headers: Headers; body: any }>) => {
      const started = Date.now();
      const answer = await call;
      const ms = Date.now() - started;
      return {
        status: answer.status,
        code: answer.body?.code,
        retryAfter: answer.headers.get('retry-after'),
        ms,
        withinTenSeconds: ms < 10_000,
      };
    };
    let answers;
    try {
      answers = await Promise.all([
        timed(api.call('GET', `/v2/datasources?org=${orgId}`, { key: application.key })),
        timed(api.call('GET', '/v2/whoami', { key: second.body.key })),
        timed(api.call('GET', `/admin/orgs/${orgId}`, { token: admin.token })),
      ]);
    } finally {
      process.kill(paused, 'SIGCONT');
      paused = undefined;
    }
    const unavailable = {
      status: 503,
      code: 'unavailable',
      retryAfter: expect.stringMatching(/^\d+$/),
      ms: expect.any(Number),
      withinTenSeconds: true,
    };
    expect(answers).toEqual([unavailable, unavailable, unavailable]);
    // Once DynamoDB answers again, so does the API: both kinds of caller.
    await apiIsBack(`/admin/orgs/${orgId}`, admin.token);
    await eventually(
      'the never-used key verifies',
      async () => (await api.call('GET', '/v2/whoami', { key: second.body.key })).status === 200,
    );
  },
  RESTART_MS + 60_000,
);
