import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start` as a newcomer runs it: a fresh process with a clean environment (no endpoint or
 * table from the test setup), its own DynamoDB Local and demo data. The demo key it prints reads
 * the demo orgs, and SIGINT stops it cleanly.
 */

const ROOT = join(__dirname, '..', '..');
const INHERITED = ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'AWS_REGION', 'CONTINUATION_SECRET', 'KEY_CACHE_TTL_SECONDS'];

let child: ChildProcess;
let dataDir: string;
let output = '';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'datagate-start-'));
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED.includes(name) && !name.startsWith('OIDC_')),
  );
  child = spawn(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'bin', 'start-local.ts')], {
    cwd: ROOT,
    env: { ...env, PORT: '0', DATAGATE_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Stop with Ctrl-C.')) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited: ${output}`));
      }
    }, 100);
  });
}, 120_000);

afterAll(() => {
  if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  it('serves the demo: the printed key reads both demo orgs; SIGINT stops it', async () => {
    const url = /Datagate is running at (http:\/\/\S+)/.exec(output)![1]!;
    const key = /export KEY=(dgk_\w+)/.exec(output)![1]!;
    const whoami = await fetch(`${url}/v2/whoami`, { headers: { 'x-api-key': key } });
    expect(whoami.status).toBe(200);
    const { orgs } = (await whoami.json()) as { orgs: { org: string }[] };
    expect(orgs).toHaveLength(2);
    for (const { org } of orgs) {
      const listed = await fetch(`${url}/v2/datasources?org=${org}`, { headers: { 'x-api-key': key } });
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { datasources: unknown[] }).datasources.length).toBeGreaterThan(0);
    }
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('stopping the API and DynamoDB Local');
  });
});
