import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/core/store/table';
import { ensureTable, freePort, localClient, startDynamoDbLocal, type RunningDynamoDb } from '../../lib/local/dynamodb-local';
import { startTestApi, type TestApi } from '../support/local-api';
import { connect, createApplication, createOrg, signIn } from '../support/scenario';
import { brokenInvariants, scanTable } from '../support/table-invariants';

/**
 * DynamoDB Local itself stopped in the middle of a multi-step change (deleting an application
 * connected to three orgs): the request answers 503 with `Retry-After`, nothing is left broken,
 * and once DynamoDB is back the same request finishes the job. This file runs its own DynamoDB
 * Local (persisting to a temporary directory, so a restart keeps the data), so the suite's
 * shared one is never disturbed.
 */

const TABLE = 'datagate-outage';
let dynamo: RunningDynamoDb | undefined;
let port: number;
let dataDir: string;
let api: TestApi;
let scanClient: DynamoDBDocumentClient;
const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, table: process.env.TABLE_NAME };

/** Runs `action` once, when the `n`th DynamoDB call of the functions is about to be sent. */
let beforeCall: { n: number; action: () => Promise<void> } | undefined;
let callsSeen = 0;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'datagate-outage-'));
  port = await freePort();
  dynamo = await startDynamoDbLocal({ port, dataDir });
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
}, 120_000);

afterAll(async () => {
  await api?.stop();
  scanClient?.destroy();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.env.DYNAMODB_ENDPOINT = saved.endpoint;
  process.env.TABLE_NAME = saved.table;
});

it('an application deletion whose DynamoDB stops mid-way answers 503, breaks nothing, and finishes when called again', async () => {
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

  dynamo = await startDynamoDbLocal({ port, dataDir });
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
});
