import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandLineOf } from '../../lib/local/data-folder';

/**
 * `npm start` as a newcomer runs it: the real npm, a fresh environment (no endpoint, table or
 * issuer of the test setup), its own DynamoDB Local, in a data folder the test chooses.
 */

const ROOT = join(__dirname, '..', '..');
const INHERITED = ['DYNAMODB_ENDPOINT', 'TABLE_NAME', 'AWS_REGION', 'CONTINUATION_SECRET', 'KEY_CACHE_TTL_SECONDS'];

export interface NpmStart {
  child: ChildProcess;
  output(): string;
  /** Resolves once the output matches `pattern`; rejects if the process exits first. */
  waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<void>;
  exited: Promise<number | null>;
  /** Values of the banner, once ready. */
  url(): string;
  demoKey(): string;
}

/**
 * `env`: settings of this run on top (DATAGATE_DEMO_DAYS: '2' for a test that needs the demo's
 * last 48 hours only, not its 10 days).
 */
export function startNpmStart(dataDir: string, env: Record<string, string> = {}): NpmStart {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !INHERITED.includes(name) && !name.startsWith('OIDC_') && !name.startsWith('npm_'),
    ),
  );
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      ...inherited,
      PORT: '0',
      DATAGATE_DATA_DIR: dataDir,
      // JDK_JAVA_OPTIONS is inherited: DynamoDB Local's JVM with its quick JIT compiler only,
      // as the integration suite's global setup sets it for every JVM of the suite.
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = (pattern: RegExp | string, timeoutMs = 150_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        const matched = typeof pattern === 'string' ? output.includes(pattern) : pattern.test(output);
        if (matched) {
          clearInterval(timer);
          resolve();
        } else if (child.exitCode !== null || child.signalCode !== null || Date.now() - started > timeoutMs) {
          clearInterval(timer);
          reject(new Error(`npm start ended or timed out before ${String(pattern)}:\n${output}`));
        }
      }, 50);
    });
  const find = (pattern: RegExp) => {
    const match = pattern.exec(output);
    if (!match) throw new Error(`npm start did not print ${String(pattern)}:\n${output}`);
    return match[1]!;
  };
  return {
    child,
    output: () => output,
    waitFor,
    exited,
    url: () => find(/Datagate is running at (http:\/\/\S+)/),
    demoKey: () => find(/^DEMO_KEY=(dgk_\w+)$/m),
  };
}

/** The pid recorded in a file of the data folder, if any. */
export function pidIn(dataDir: string, file: 'npm-start.pid' | 'dynamodb.pid'): number | undefined {
  const path = join(dataDir, file);
  return existsSync(path) ? Number(readFileSync(path, 'utf8').trim()) : undefined;
}

/** Whether a process runs (a zombie, dead but not yet reaped, does not). */
export function isRunning(pid: number): boolean {
  try {
    const state = execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return state !== '' && !state.startsWith('Z');
  } catch {
    return false;
  }
}

export async function waitUntilGone(pid: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/** Kills whatever a test's run may have left (its node and java, by their recorded pids). */
export function killLeftovers(dataDir: string): void {
  for (const [file, mark] of [
    ['npm-start.pid', 'start-local'],
    ['dynamodb.pid', dataDir],
  ] as const) {
    const pid = pidIn(dataDir, file);
    if (pid && commandLineOf(pid)?.includes(mark)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone in between.
      }
    }
  }
}
