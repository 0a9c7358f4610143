import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNpmStart } from '../support/npm-start';

/**
 * A data folder `npm start` cannot use is refused with a message that says what to do, before
 * anything is started; `npm run reset` deletes the folder, but not while a run uses it.
 */

const ROOT = join(__dirname, '..', '..');
const folders: string[] = [];

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'datagate-refusal-'));
  folders.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

function reset(dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', 'reset'], {
      cwd: ROOT,
      env: { ...process.env, DATAGATE_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('a data folder npm start cannot use', () => {
  it('written by a newer Datagate: refused, pointing to npm run reset and what it deletes', async () => {
    const dataDir = folder();
    writeFileSync(join(dataDir, 'demo.json'), JSON.stringify({ version: 99, status: 'ready' }));
    const run = startNpmStart(dataDir);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('demo record version 99, which this Datagate does not know');
    expect(run.output()).toContain('Run `npm run reset` to delete the data folder (all local data');
    expect(run.output()).not.toContain('Starting DynamoDB Local');
  });

  it('a DATAGATE_DEMO_DAYS outside 1 to 10: refused with the range, before anything is started', async () => {
    const run = startNpmStart(folder(), { DATAGATE_DEMO_DAYS: '11' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('Datagate failed to start: DATAGATE_DEMO_DAYS must be a whole number from 1 to 10, not "11".');
    expect(run.output()).not.toContain('Starting DynamoDB Local');
  });
});

describe('npm run reset', () => {
  it('deletes the data folder and says what it deleted', async () => {
    const dataDir = folder();
    mkdirSync(join(dataDir, 'dynamodb'));
    writeFileSync(join(dataDir, 'demo.json'), '{}');
    const outcome = await reset(dataDir);
    expect(outcome.code).toBe(0);
    expect(outcome.output).toContain(`Deleted ${dataDir}: the local database (every org, person, application, key`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses while an npm start uses the folder, and deletes nothing', async () => {
    const dataDir = folder();
    // A live process whose command line is that of npm start, holding the folder.
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', 'bin/start-local.ts'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dataDir, 'npm-start.pid'), `${live.pid}\n`);
      const outcome = await reset(dataDir);
      expect(outcome.code).toBe(1);
      expect(outcome.output).toContain(`Nothing was deleted: Another npm start (pid ${live.pid}) is using ${dataDir}`);
      expect(existsSync(join(dataDir, 'npm-start.pid'))).toBe(true);
    } finally {
      live.kill('SIGKILL');
    }
  });
});
