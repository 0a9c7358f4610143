import { BatchWriteCommand, DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { REPORTS_PER_ORG_PER_DAY, REPORT_STALL_MINUTES, STALLED_MESSAGE } from '../../functions/core/reports/report-records';
import { documentClient } from '../../functions/core/store/table';
import type { Role } from '../../functions/core/orgs/roles';
import { ensureTable, localClient } from '../../lib/local/dynamodb-local';
import { startTestApi, type ApiAnswer, type TestApi } from '../support/local-api';
import {
  addMember,
  connect,
  createApplication,
  createDatasource,
  createOrg,
  expectStatus,
  signIn,
  type Member,
} from '../support/scenario';
import { FAULT_KINDS, faultInjector, type FaultInjector, type FaultKind } from '../support/dynamo-faults';
import { brokenInvariants, scanTable } from '../support/table-invariants';

/**
 * Every multi-step change, run with DynamoDB failing at each of its steps in turn, in the ways
 * it fails (throttling, ProvisionedThroughputExceeded, a cancelled transaction, a timeout,
 * service unavailable), as a blip (that call only) and as an outage (that call and every later
 * one); see `faultsAt` for which at each step (`FAULTS=all` for every combination). After each run: the caller got the change's success or 503 with
 * `Retry-After` in the contract's body, no invariant of the table is broken, and sending the
 * same request again (DynamoDB healthy) finishes the job.
 *
 * This file has its own table, so the invariants are checked over every item in it. Each change
 * starts on an empty table (`emptyTable`): the invariants are checked after every run, and a table
 * holding what every earlier change left made each check read it all again (about 2,400 items by the
 * end; the checks took 10 s of Node's CPU and more of DynamoDB Local's).
 */

const FAULT_TABLE = 'datagate-faults';

let api: TestApi;
let faults: FaultInjector;
let scanClient: DynamoDBDocumentClient;
let tableName: string | undefined;

beforeAll(async () => {
  tableName = process.env.TABLE_NAME;
  await ensureTable(process.env.DYNAMODB_ENDPOINT!, FAULT_TABLE);
  process.env.TABLE_NAME = FAULT_TABLE;
  api = await startTestApi();
  faults = faultInjector(documentClient());
  scanClient = DynamoDBDocumentClient.from(localClient(process.env.DYNAMODB_ENDPOINT!));
});

afterAll(async () => {
  faults?.disarm();
  await api?.stop();
  scanClient?.destroy();
  process.env.TABLE_NAME = tableName;
});

interface Request {
  method: string;
  path: string;
  token?: string;
  key?: string;
  body?: unknown;
  /** Sent as is (a signed report must arrive byte for byte), with these headers. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/**
 * One multi-step change: `setup` builds what it acts on (DynamoDB healthy) and returns the
 * request; `success` is its status; `alreadyDone` the statuses a repeat of a completed change
 * may answer; `done` checks the change took effect, after the retry.
 */
interface Change {
  name: string;
  /**
   * `done` is told what the faulted request answered (nothing for the run without faults).
   * `leaseExpires`, for a change guarded by a lease that a request failing in an outage cannot
   * release (ingest: the datasource's lease, 30 s): lets that time pass before the retry, by
   * moving the lease's end into the past, as a writer that died leaves it.
   */
  setup(): Promise<{ request: Request; done: (faulted?: ApiAnswer) => Promise<void>; leaseExpires?: () => Promise<void> }>;
  success: number;
  alreadyDone: number[];
}

const call = (request: Request): Promise<ApiAnswer> =>
  api.call(request.method, request.path, {
    token: request.token,
    key: request.key,
    body: request.body,
    rawBody: request.rawBody,
    headers: request.headers,
  });

async function queryPartition(partition: string, prefix?: string) {
  const result = await scanClient.send(
    new QueryCommand({
      TableName: FAULT_TABLE,
      KeyConditionExpression: prefix ? 'PK = :pk AND begins_with(SK, :prefix)' : 'PK = :pk',
      ExpressionAttributeValues: { ':pk': partition, ...(prefix ? { ':prefix': prefix } : {}) },
      ConsistentRead: true,
    }),
  );
  return result.Items ?? [];
}

async function orgWithAdmin(name: string): Promise<{ orgId: string; admin: Member }> {
  const admin = await signIn(api, `faults-${name}`);
  return { orgId: await createOrg(api, admin, name), admin };
}

/**
 * An org with one datasource and an application connected to it with `roles`, whose key is
 * verified (and cached) before any fault, so that the steps counted are the change's own.
 */
async function orgWithReader(name: string, roles: Role[]) {
  const { orgId, admin } = await orgWithAdmin(name);
  const datasourceId = await createDatasource(api, orgId, admin, `${name} site`);
  const application = await createApplication(api, orgId, admin, `${name} application`);
  await connect(api, orgId, admin, application.applicationId, roles);
  expectStatus(await api.call('GET', '/v2/whoami', { key: application.key }), 200);
  return { orgId, admin, datasourceId, application };
}

/** A report of one datasource's measurements from `from` (epoch ms) until now. */
function reportRequest(
  key: string,
  orgId: string,
  datasourceId: string,
  outputFrequency: 'minute' | 'hour',
  from: number,
): Request {
  return {
    method: 'POST',
    path: '/v2/report-requests',
    key,
    body: {
      org: orgId,
      report: 'datasource-measurements',
      outputFrequency,
      datasourceIds: [datasourceId],
      startTime: new Date(from).toISOString(),
      endTime: new Date().toISOString(),
    },
  };
}

const CHANGES: Change[] = [
  {
    name: 'create an application with its first key',
    success: 201,
    alreadyDone: [201],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('create-app');
      return {
        request: { method: 'POST', path: `/admin/orgs/${orgId}/applications`, token: admin.token, body: { name: 'Faulty' } },
        async done() {
          const listed = await api.call('GET', `/admin/orgs/${orgId}/applications`, { token: admin.token });
          expect(listed.body.applications.length).toBeGreaterThanOrEqual(1);
        },
      };
    },
  },
  {
    name: 'connect an application (both sides and every key snapshot)',
    success: 201,
    alreadyDone: [409],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('connect');
      const application = await createApplication(api, orgId, admin, 'To connect');
      expectStatus(
        await api.call('POST', `/admin/orgs/${orgId}/applications/${application.applicationId}/keys`, {
          token: admin.token,
          body: {},
        }),
        201,
      );
      return {
        request: {
          method: 'POST',
          path: `/admin/orgs/${orgId}/connections`,
          token: admin.token,
          body: { applicationId: application.applicationId, roles: ['observer'] },
        },
        async done() {
          expect(await queryPartition(`ORG#${orgId}`, `CONN#${application.applicationId}`)).toHaveLength(1);
          const whoami = await api.call('GET', '/v2/whoami', { key: application.key });
          expect(whoami.body.orgs).toEqual([{ org: orgId, roles: ['observer'] }]);
        },
      };
    },
  },
  {
    name: 'regenerate a key with grace 0 (successor in, old key out)',
    success: 201,
    alreadyDone: [404],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('regenerate');
      const application = await createApplication(api, orgId, admin, 'To rotate');
      await connect(api, orgId, admin, application.applicationId, ['observer']);
      return {
        request: {
          method: 'POST',
          path: `/admin/orgs/${orgId}/applications/${application.applicationId}/keys/${application.keyId}/regenerate`,
          token: admin.token,
          body: { graceSeconds: 0 },
        },
        async done() {
          const keys = await api.call('GET', `/admin/orgs/${orgId}/applications/${application.applicationId}/keys`, {
            token: admin.token,
          });
          expect(keys.body.keys.map((key: { keyId: string }) => key.keyId)).not.toContain(application.keyId);
          expect(keys.body.keys).toHaveLength(1);
        },
      };
    },
  },
  {
    name: 'delete an application connected to two orgs',
    success: 204,
    alreadyDone: [404],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('delete-app');
      const other = await orgWithAdmin('delete-app-other');
      const application = await createApplication(api, orgId, admin, 'To delete');
      await connect(api, orgId, admin, application.applicationId, ['observer']);
      await connect(api, other.orgId, other.admin, application.applicationId, ['guest']);
      return {
        request: { method: 'DELETE', path: `/admin/orgs/${orgId}/applications/${application.applicationId}`, token: admin.token },
        async done() {
          expect(await queryPartition(`APP#${application.applicationId}`)).toEqual([]);
          expect(await queryPartition(`ORG#${orgId}`, 'CONN#')).toEqual([]);
          expect(await queryPartition(`ORG#${other.orgId}`, 'CONN#')).toEqual([]);
          expect((await api.call('GET', '/v2/whoami', { key: application.key })).status).toBe(401);
        },
      };
    },
  },
  {
    name: 'remove a person (an admin, with another admin left)',
    success: 204,
    alreadyDone: [404],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('remove-person');
      const second = await signIn(api, 'faults-second-admin');
      await addMember(api, orgId, admin, second, ['admin']);
      return {
        request: {
          method: 'DELETE',
          path: `/admin/orgs/${orgId}/people/${encodeURIComponent(second.email)}`,
          token: admin.token,
        },
        async done() {
          const people = await api.call('GET', `/admin/orgs/${orgId}/people`, { token: admin.token });
          expect(people.body.people.map((person: { email: string }) => person.email)).toEqual([admin.email]);
        },
      };
    },
  },
  {
    name: 'ingest 60 measurements (three BatchWriteItem calls)',
    success: 202,
    alreadyDone: [202],
    async setup() {
      const { orgId, datasourceId, application } = await orgWithReader('ingest', ['technician']);
      const start = Date.now() - 3_600_000;
      const measurements = Array.from({ length: 60 }, (_x, i) => ({
        time: new Date(start + i * 60_000).toISOString(),
        metrics: { pm2_5ConcMass: i },
      }));
      return {
        request: {
          method: 'POST',
          path: `/v2/datasources/${datasourceId}/measurements`,
          key: application.key,
          body: { org: orgId, measurements },
        },
        async done() {
          const stored = await queryPartition(`MEAS#${datasourceId}`);
          // Stored under the catalogue's minute name (pm2_5ConcMassIndividual): whichever it is, one value each.
          const values = stored.map((item) => Object.values(item.metrics as Record<string, number>)[0]!);
          expect(values.sort((a, b) => a - b)).toEqual(measurements.map((_m, i) => i));
          // The retry finished, so it recounted what a failed ingest left pending and cleared it.
          const [lease] = await queryPartition(`AGG#${datasourceId}`, 'LEASE');
          expect(lease?.pending).toBeUndefined();
        },
        async leaseExpires() {
          await scanClient
            .send(
              new UpdateCommand({
                TableName: FAULT_TABLE,
                Key: { PK: `AGG#${datasourceId}`, SK: 'LEASE' },
                UpdateExpression: 'SET leaseUntil = :past',
                ConditionExpression: 'attribute_exists(PK)',
                ExpressionAttributeValues: { ':past': 0 },
              }),
            )
            .catch((error: unknown) => {
              if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
            });
        },
      };
    },
  },
  {
    name: "request a report (the report and its count in the org's daily quota, one transaction)",
    success: 200,
    // Report requests carry no idempotency key (Clarity's have none): a repeat of one that
    // completed is a second report, counted in the quota like the first.
    alreadyDone: [],
    async setup() {
      const { orgId, datasourceId, application } = await orgWithReader('report', ['observer']);
      // The in-process worker waits, so that the steps counted are the request's own (the
      // worker's steps have their own test below); the queued tasks run there.
      api.runtime.reports.pause();
      return {
        request: reportRequest(application.key, orgId, datasourceId, 'hour', Date.now() - 86_400_000),
        async done(faulted) {
          // A 503 left nothing behind: its retry made the one report. A faulted request that
          // still succeeded made one, and its retry another.
          const expected = faulted?.status === 200 ? 2 : 1;
          const reports = (await scanTable(scanClient, FAULT_TABLE)).filter(
            (item) => item.type === 'report' && item.orgId === orgId,
          );
          expect(reports).toHaveLength(expected);
          const [quota] = await queryPartition(`REPORTQUOTA#${orgId}`);
          expect(quota?.count).toBe(expected);
        },
      };
    },
  },
  {
    name: 'revoke a key a secret scanner reports (lookup read, then the revocation and its event)',
    success: 200,
    alreadyDone: [200],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('leaked');
      const application = await createApplication(api, orgId, admin, 'Leaky');
      await connect(api, orgId, admin, application.applicationId, ['observer']);
      const raw = JSON.stringify([
        { token: application.key, type: 'datagate_api_key', url: 'https://example.org/leak', source: 'content' },
      ]);
      return {
        request: {
          method: 'POST',
          path: '/secret-scanning/leaked-keys',
          rawBody: raw,
          headers: { 'Content-Type': 'application/json', ...api.runtime.server.scanner.sign(raw) },
        },
        async done() {
          const [record] = await queryPartition(`APP#${application.applicationId}`, `KEY#${application.keyId}`);
          expect(record).toEqual(expect.objectContaining({ enabled: false, revokedAt: expect.any(String) }));
          const events = (await queryPartition(`AUDIT#${orgId}`)).filter((event) => event.action === 'key.leaked');
          expect(events).toHaveLength(1);
        },
      };
    },
  },
  {
    name: 'a key holder revokes their own key',
    success: 200,
    // Once revoked, the key itself is refused as soon as the authorizer's cache lets go of it.
    alreadyDone: [200, 401],
    async setup() {
      const { orgId, admin } = await orgWithAdmin('self-revoke');
      const application = await createApplication(api, orgId, admin, 'Oops');
      expectStatus(await api.call('GET', '/v2/whoami', { key: application.key }), 200);
      return {
        request: { method: 'POST', path: '/v2/keys/revoke', key: application.key },
        async done() {
          const [record] = await queryPartition(`APP#${application.applicationId}`, `KEY#${application.keyId}`);
          expect(record).toEqual(expect.objectContaining({ enabled: false, revokedAt: expect.any(String) }));
        },
      };
    },
  },
];

/** `FAULTS=all` runs every kind, as a blip and as an outage, at every step (about 3 times longer). */
const EXHAUSTIVE = process.env.FAULTS === 'all';

/**
 * The faults at one step. By default each step gets a blip of one kind and an outage of another,
 * the kinds turning from step to step, and a cancelled transaction on every transaction step, so
 * each change meets every kind and every step meets a blip and an outage; `FAULTS=all` runs them all.
 */
function faultsAt(failAt: number, isTransaction: boolean): { kind: FaultKind; mode: 'once' | 'outage' }[] {
  const applicable = FAULT_KINDS.filter((kind) => kind !== 'transactionCanceled' || isTransaction);
  if (EXHAUSTIVE)
    return applicable.flatMap((kind) => [
      { kind, mode: 'once' as const },
      { kind, mode: 'outage' as const },
    ]);
  const others = FAULT_KINDS.filter((kind) => kind !== 'transactionCanceled');
  const chosen = [
    { kind: others[failAt % others.length]!, mode: 'once' as const },
    { kind: others[(failAt + 2) % others.length]!, mode: 'outage' as const },
  ];
  return isTransaction ? [...chosen, { kind: 'transactionCanceled', mode: 'once' }] : chosen;
}

/** Sends the request again, and again after each 503's `Retry-After` while `withinMs` lasts. */
async function retryFinishing(request: Request, withinMs: number): Promise<ApiAnswer> {
  const started = Date.now();
  for (;;) {
    const answer = await call(request);
    if (answer.status !== 503 || Date.now() - started > withinMs) return answer;
    await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after') ?? 1) * 1000));
  }
}

/** What a faulted request may answer: the change's success, or 503 with Retry-After in the contract's body. */
function expectSuccessOr503(answer: ApiAnswer, success: number, context: string): void {
  const outcome = {
    context,
    status: answer.status,
    retryAfter: answer.status === 503 ? answer.headers.get('retry-after') : null,
    code: answer.status === 503 ? answer.body?.code : undefined,
  };
  if (answer.status === success) return;
  expect(outcome).toEqual({ context, status: 503, retryAfter: expect.stringMatching(/^\d+$/), code: 'unavailable' });
}

async function expectInvariants(context: string): Promise<void> {
  expect({ context, broken: brokenInvariants(await scanTable(scanClient, FAULT_TABLE)) }).toEqual({ context, broken: [] });
}

/**
 * Before each change: what an earlier change left queued (report requests, with the worker
 * paused) runs to the end, the invariants are checked over the whole table once more, and then
 * every item is deleted, so that the change's checks read its own items only.
 */
async function emptyTable(): Promise<void> {
  api.runtime.reports.resume();
  await api.runtime.reports.idle();
  const items = await scanTable(scanClient, FAULT_TABLE);
  expect({ context: 'what the changes before left', broken: brokenInvariants(items) }).toEqual({
    context: 'what the changes before left',
    broken: [],
  });
  for (let start = 0; start < items.length; start += 25) {
    let requests: Record<string, any> | undefined = {
      [FAULT_TABLE]: items.slice(start, start + 25).map(({ PK, SK }) => ({ DeleteRequest: { Key: { PK, SK } } })),
    };
    while (requests && Object.keys(requests).length > 0)
      requests = (await scanClient.send(new BatchWriteCommand({ RequestItems: requests }))).UnprocessedItems;
  }
}

describe.each(CHANGES.map((change) => [change.name, change] as const))('%s, with DynamoDB failing', (_name, change) => {
  it('at each step a blip and an outage (every kind across the steps): 503 or done, invariants kept, and a retry finishes the job', async () => {
    await emptyTable();
    // How many DynamoDB calls the change makes when all is well.
    const probe = await change.setup();
    faults.count();
    expectStatus(await call(probe.request), change.success);
    const steps = [...faults.calls];
    faults.disarm();
    await probe.done();
    expect(steps.length).toBeGreaterThan(0);

    let runs = 0;
    for (let failAt = 1; failAt <= steps.length; failAt++) {
      const isTransaction = /Transact/.test(steps[failAt - 1]!);
      for (const { kind, mode } of faultsAt(failAt, isTransaction)) {
        const context = `${change.name}: ${kind} ${mode} at step ${failAt} of ${steps.length} (${steps[failAt - 1]})`;
        const { request, done, leaseExpires } = await change.setup();
        faults.arm({ kind, failAt, mode });
        const answer = await call(request);
        faults.disarm();
        expectSuccessOr503(answer, change.success, context);
        await expectInvariants(context);
        await leaseExpires?.();
        const retry = await retryFinishing(request, 0);
        expect({ context, retry: retry.status, allowed: [change.success, ...change.alreadyDone].includes(retry.status) }).toEqual(
          {
            context,
            retry: retry.status,
            allowed: true,
          },
        );
        await done(answer);
        await expectInvariants(`${context}, after the retry`);
        runs++;
      }
    }
    expect(runs).toBeGreaterThanOrEqual(steps.length);
    // A change with a lease has it expire before the retry (leaseExpires), so every run takes seconds.
  }, 240_000);
});

describe('the report worker (plan, part, file), with DynamoDB failing', () => {
  /** An org with one datasource holding three minutes, and an application that may read it. */
  async function reportingOrg(name: string) {
    const { orgId, datasourceId, application } = await orgWithReader(name, ['technician']);
    const start = Date.now() - 2 * 3_600_000;
    const measurements = [0, 1, 2].map((i) => ({
      time: new Date(start + i * 60_000).toISOString(),
      metrics: { pm2_5ConcMass: 10 + i },
    }));
    expectStatus(
      await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
        key: application.key,
        body: { org: orgId, measurements },
      }),
      202,
    );
    const request = reportRequest(application.key, orgId, datasourceId, 'minute', start - 3_600_000);
    return {
      /** Requests the report with the worker paused, so that its first step is the worker's. */
      async requested(): Promise<string> {
        api.runtime.reports.pause();
        const answer = await call(request);
        expectStatus(answer, 200);
        return answer.body.reportId as string;
      },
      async polled(reportId: string) {
        const answer = await api.call('GET', `/v2/report-requests/${reportId}`, { key: application.key });
        expectStatus(answer, 200);
        return answer.body as { reportStatus: string; message: string; urls: string[] };
      },
    };
  }

  /** Lets the worker run what is queued, to the end (every retry included). */
  async function workerRuns(): Promise<void> {
    api.runtime.reports.resume();
    await api.runtime.reports.idle();
  }

  it('at each step a blip and an outage: the report ends succeeded, or failed with a reason (never in progress for good), invariants kept, and a new request succeeds', async () => {
    // The report requests of the change above ran to the end, and were checked, in emptyTable.
    await emptyTable();
    const probeOrg = await reportingOrg('report-worker');
    const probe = await probeOrg.requested();
    faults.count();
    await workerRuns();
    const steps = [...faults.calls];
    faults.disarm();
    expect(await probeOrg.polled(probe)).toMatchObject({ reportStatus: 'succeeded', urls: [expect.any(String)] });
    expect(steps.length).toBeGreaterThan(0);

    const outcomes: string[] = [];
    let stalled = 0;
    let org = probeOrg;
    let requests = 1;
    let requestedAgain = false;
    for (let failAt = 1; failAt <= steps.length; failAt++) {
      // A fresh org before its daily quota of reports runs out.
      if (requests > REPORTS_PER_ORG_PER_DAY - 5) {
        org = await reportingOrg('report-worker');
        requests = 0;
      }
      requests += 3;
      for (const { kind, mode } of faultsAt(failAt, /Transact/.test(steps[failAt - 1]!))) {
        const context = `report worker: ${kind} ${mode} at step ${failAt} of ${steps.length} (${steps[failAt - 1]})`;
        const reportId = await org.requested();
        faults.arm({ kind, failAt, mode });
        await workerRuns();
        faults.disarm();
        let record = await org.polled(reportId);
        if (record.reportStatus === 'in-progress') {
          // Only an outage through every delivery, the last one's failure write included, leaves
          // it so; once it has not moved for REPORT_STALL_MINUTES (its stamp is moved back by
          // that much here) it is answered failed, and a late delivery records that.
          expect({ context, stuckBy: mode }).toEqual({ context, stuckBy: 'outage' });
          await scanClient.send(
            new UpdateCommand({
              TableName: FAULT_TABLE,
              Key: { PK: `REPORT#${reportId}`, SK: 'REPORT' },
              UpdateExpression: 'SET progressAt = :then',
              ExpressionAttributeValues: { ':then': new Date(Date.now() - (REPORT_STALL_MINUTES + 1) * 60_000).toISOString() },
            }),
          );
          record = await org.polled(reportId);
          expect({ context, status: record.reportStatus, message: record.message }).toEqual({
            context,
            status: 'failed',
            message: STALLED_MESSAGE,
          });
          stalled++;
        }
        expect({ context, status: record.reportStatus, reason: record.message !== '' }).toEqual({
          context,
          status: expect.stringMatching(/^(succeeded|failed)$/),
          reason: true,
        });
        await expectInvariants(context);
        outcomes.push(record.reportStatus);
        if (record.reportStatus === 'failed' && !requestedAgain) {
          requestedAgain = true;
          // Failed is final, and says so: the client requests it again, and that one is made.
          const again = await org.requested();
          await workerRuns();
          expect({ context, again: (await org.polled(again)).reportStatus }).toEqual({ context, again: 'succeeded' });
        }
      }
    }
    // Blips are retried to success; outages past the last delivery fail the report.
    expect(outcomes).toContain('succeeded');
    expect(outcomes).toContain('failed');
    expect(stalled).toBeGreaterThan(0);
  }, 240_000);
});
