import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureTable, startDynamoDbLocal } from '../../lib/local/dynamodb-local';
import { DEMO_KEY_LABEL } from '../../lib/local/demo-data';
import { walkthroughScript } from '../../lib/local/walkthrough';
import { isRunning, killLeftovers, pidIn, startNpmStart, waitUntilGone, type NpmStart } from '../support/npm-start';

/**
 * `npm start` after any history of its data folder: starts killed half-way (while seeding, and
 * by SIGTERM to npm while starting), a DynamoDB Local left running (and stopped with SIGSTOP),
 * restarts, and a folder written by the first Datagate versions with its demo keys piled up to
 * the 20-key cap. After each, the next start works, the demo application holds one demo key,
 * restarting adds nothing to the audit log, and the README's walk-through runs.
 */

const folders: string[] = [];
const runs: NpmStart[] = [];

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'datagate-history-'));
  folders.push(dir);
  return dir;
}

/**
 * The demo's last 2 days only: what these starts are checked for (the hourly query, the
 * walk-through's 48 hours) needs no more; start-local.test.ts checks the whole 10 days.
 */
function start(dataDir: string): NpmStart {
  const run = startNpmStart(dataDir, { DATAGATE_DEMO_DAYS: '2' });
  runs.push(run);
  return run;
}

afterAll(() => {
  for (const run of runs) if (run.child.exitCode === null) run.child.kill('SIGKILL');
  for (const dir of folders) {
    killLeftovers(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

async function stopped(run: NpmStart, signal: NodeJS.Signals): Promise<void> {
  run.child.kill(signal);
  await run.exited;
}

async function adminToken(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/local/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function admin<T>(url: string, token: string, path: string): Promise<T> {
  const response = await fetch(`${url}${path}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

/** Every audit event of an org, through the admin API. */
async function auditEvents(url: string, token: string, orgId: string): Promise<string[]> {
  const ids: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await admin<{ events: { eventId: string }[]; nextToken?: string }>(
      url,
      token,
      `/admin/orgs/${orgId}/audit-events?limit=100${nextToken ? `&nextToken=${nextToken}` : ''}`,
    );
    ids.push(...page.events.map((event) => event.eventId));
    nextToken = page.nextToken;
  } while (nextToken);
  return ids;
}

interface DemoIds {
  riverside: string;
  dashboard: string;
}

function demoIds(run: NpmStart): DemoIds {
  return {
    riverside: /"Riverside City Council" \((org_\w+)/.exec(run.output())![1]!,
    dashboard: /"City Air Dashboard" \((app_\w+)\)/.exec(run.output())![1]!,
  };
}

async function hourlyRows(run: NpmStart, org: string, key = run.demoKey()): Promise<{ status: number; rows: number }> {
  const response = await fetch(`${run.url()}/v2/recent-datasource-measurements-query`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ org, allDatasources: true, outputFrequency: 'hour' }),
  });
  const body = (await response.json()) as { data?: unknown[] };
  return { status: response.status, rows: body.data?.length ?? 0 };
}

function runBash(script: string, cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `set -euo pipefail\n${script}`], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('npm start after any history of its data folder', () => {
  it('restarts after a start killed while seeding, a leftover DynamoDB Local and SIGTERM mid-start, with one demo key, an unchanged audit log and a working walk-through', async () => {
    const dataDir = folder();

    // 1. The first start is killed (SIGKILL, no clean-up at all) in the middle of seeding.
    const first = start(dataDir);
    await first.waitFor(/Starting DynamoDB Local/);
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 120_000;
      const poll = setInterval(() => {
        let status: string | undefined;
        try {
          status = (JSON.parse(readFileSync(join(dataDir, 'demo.json'), 'utf8')) as { status: string }).status;
        } catch {
          // Not written yet.
        }
        if (status === 'seeding') {
          clearInterval(poll);
          resolve();
        } else if (Date.now() > deadline || first.child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`never seeding: ${first.output()}`));
        }
      }, 20);
    });
    const firstNode = pidIn(dataDir, 'npm-start.pid')!;
    const leftoverJava = pidIn(dataDir, 'dynamodb.pid')!;
    process.kill(firstNode, 'SIGKILL');
    await first.exited;
    // The orphaned DynamoDB Local is also frozen, holding its port and the database.
    expect(isRunning(leftoverJava)).toBe(true);
    process.kill(leftoverJava, 'SIGSTOP');

    // 2. The next start stops it, recreates the half-seeded demo and serves it.
    const second = start(dataDir);
    await second.waitFor('Stop with Ctrl-C.');
    expect(second.output()).toContain(`Stopped the DynamoDB Local (pid ${leftoverJava}) a previous run left behind.`);
    expect(second.output()).toContain('Demo data created again (the first start had been interrupted)');
    expect(second.output()).toContain('five datasources with the last 2 days of measurements');
    expect(await waitUntilGone(leftoverJava)).toBe(true);
    const ids = demoIds(second);
    const token = await adminToken(second.url(), 'ada@riverside.example');
    const orgs = await admin<{ orgs: { name: string }[] }>(second.url(), token, '/admin/orgs');
    expect(orgs.orgs.map((org) => org.name)).toEqual(['Riverside City Council']);
    const auditAfterSeed = await auditEvents(second.url(), token, ids.riverside);
    const secondKey = second.demoKey();
    await stopped(second, 'SIGINT');

    // 3. A start stopped by SIGTERM to npm while DynamoDB Local is starting leaves nothing running.
    const third = start(dataDir);
    await third.waitFor(/Starting DynamoDB Local/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const thirdNode = pidIn(dataDir, 'npm-start.pid');
    await stopped(third, 'SIGTERM');
    if (thirdNode) expect(await waitUntilGone(thirdNode)).toBe(true);
    const thirdJava = pidIn(dataDir, 'dynamodb.pid');
    if (thirdJava) expect(await waitUntilGone(thirdJava)).toBe(true);

    // 4. Then a normal start: same demo, one demo key (the previous run's stopped), no new audit event.
    const fourth = start(dataDir);
    await fourth.waitFor('Stop with Ctrl-C.');
    expect(fourth.output()).toContain('Demo data loaded');
    expect(demoIds(fourth)).toEqual(ids);
    const fourthToken = await adminToken(fourth.url(), 'ada@riverside.example');
    const keys = await admin<{ keys: { label?: string }[] }>(
      fourth.url(),
      fourthToken,
      `/admin/orgs/${ids.riverside}/applications/${ids.dashboard}/keys`,
    );
    expect(keys.keys.map((key) => key.label)).toEqual([DEMO_KEY_LABEL]);
    expect(await auditEvents(fourth.url(), fourthToken, ids.riverside)).toEqual(auditAfterSeed);
    expect((await hourlyRows(fourth, ids.riverside, secondKey)).status).toBe(401);
    expect((await hourlyRows(fourth, ids.riverside)).rows).toBeGreaterThan(0);

    // 5. The README's walk-through, as npm start printed it, runs.
    const walkthrough = walkthroughScript({ api: fourth.url(), orgId: ids.riverside });
    expect(fourth.output()).toContain(walkthrough);
    const outcome = await runBash(walkthrough, dataDir);
    expect({ code: outcome.code, tail: outcome.output.slice(-300) }).toMatchObject({ code: 0 });
    expect(outcome.output).toMatch(/"metric":"pm2_5ConcMass1HourMean"/);
    await stopped(fourth, 'SIGINT');
  }, 600_000);

  it('brings a data folder of the first versions, demo keys piled up to the cap, up to date; SIGINT to the node process stops it and DynamoDB Local', async () => {
    const dataDir = folder();
    // What the first Datagate versions left: the orgs, datasources without measurements, the
    // application and 20 demo keys (starts that died before deleting the previous key).
    const dynamo = await startDynamoDbLocal({ dataDir: join(dataDir, 'dynamodb') });
    const saved = { endpoint: process.env.DYNAMODB_ENDPOINT, table: process.env.TABLE_NAME };
    let legacy: Record<string, unknown>;
    try {
      await ensureTable(dynamo.endpoint, 'datagate');
      process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
      process.env.TABLE_NAME = 'datagate';
      const { createOrg } = await import('../../functions/core/orgs/orgs');
      const { createDatasource } = await import('../../functions/core/datasources/datasources');
      const { createApplication } = await import('../../functions/core/applications');
      const { connectApplication } = await import('../../functions/core/applications');
      const { createKey } = await import('../../functions/core/applications');
      const ada = { type: 'person' as const, id: 'ada@riverside.example' };
      const grace = { type: 'person' as const, id: 'grace@northfield.example' };
      const riverside = await createOrg('Riverside City Council', ada.id);
      const northfield = await createOrg('Northfield University', grace.id);
      await createDatasource(riverside.orgId, { sourceType: 'CLARITY_NODE', name: 'Riverside High Street', tags: [] }, ada);
      await createDatasource(northfield.orgId, { sourceType: 'CLARITY_NODE', name: 'Campus North Gate', tags: [] }, grace);
      const { application } = await createApplication(riverside.orgId, 'City Air Dashboard', ada);
      await connectApplication({ orgId: riverside.orgId, applicationId: application.applicationId, roles: ['analyst'] }, ada);
      await connectApplication({ orgId: northfield.orgId, applicationId: application.applicationId, roles: ['observer'] }, grace);
      let keyId = '';
      for (let count = 1; count < 20; count++)
        keyId = (await createKey(riverside.orgId, application.applicationId, { label: DEMO_KEY_LABEL }, ada)).keyId;
      legacy = {
        riverside: { orgId: riverside.orgId, admin: ada.id },
        northfield: { orgId: northfield.orgId, admin: grace.id },
        applicationId: application.applicationId,
        keyId,
      };
      writeFileSync(join(dataDir, 'demo.json'), JSON.stringify(legacy, null, 2));
    } finally {
      process.env.DYNAMODB_ENDPOINT = saved.endpoint;
      process.env.TABLE_NAME = saved.table;
      await dynamo.stop();
    }

    const run = start(dataDir);
    await run.waitFor('Stop with Ctrl-C.');
    expect(run.output()).toContain('Demo data of an older version brought up to date');
    const ids = demoIds(run);
    expect(ids).toEqual({
      riverside: (legacy.riverside as { orgId: string }).orgId,
      dashboard: legacy.applicationId,
    });
    const token = await adminToken(run.url(), 'ada@riverside.example');
    const keys = await admin<{ keys: { label?: string }[] }>(
      run.url(),
      token,
      `/admin/orgs/${ids.riverside}/applications/${ids.dashboard}/keys`,
    );
    // The application's first key (unlabelled) stays; the 19 piled-up demo keys are one now.
    expect(keys.keys.filter((key) => key.label === DEMO_KEY_LABEL)).toHaveLength(1);
    expect(keys.keys).toHaveLength(2);
    expect((await hourlyRows(run, ids.riverside)).rows).toBeGreaterThan(0);
    // SIGINT to the node process itself (not npm) stops it and its DynamoDB Local too.
    const node = pidIn(dataDir, 'npm-start.pid')!;
    const java = pidIn(dataDir, 'dynamodb.pid')!;
    process.kill(node, 'SIGINT');
    await run.exited;
    expect([await waitUntilGone(node), await waitUntilGone(java)]).toEqual([true, true]);
  }, 300_000);
});
