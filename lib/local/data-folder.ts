import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The data folder of `npm start` (`.datagate/` unless DATAGATE_DATA_DIR says otherwise): the
 * DynamoDB Local database, the local issuer's signing key, the demo record, and the ids of the
 * processes a run started, so that the next run can tell a live run from what a killed one
 * left behind.
 */

export interface DataFolder {
  root: string;
  database: string;
  issuerKeyFile: string;
  demoStateFile: string;
  /** The pid of the `npm start` (node) process using the folder. */
  runPidFile: string;
  /** The pid of the DynamoDB Local (java) process serving the folder's database. */
  dynamoDbPidFile: string;
}

export function dataFolder(root: string): DataFolder {
  const absolute = resolve(root);
  return {
    root: absolute,
    database: join(absolute, 'dynamodb'),
    issuerKeyFile: join(absolute, 'local-issuer-key.json'),
    demoStateFile: join(absolute, 'demo.json'),
    runPidFile: join(absolute, 'npm-start.pid'),
    dynamoDbPidFile: join(absolute, 'dynamodb.pid'),
  };
}

/** The command line of a live process, or undefined when there is none with that pid. */
export function commandLineOf(pid: number): string | undefined {
  try {
    process.kill(pid, 0);
  } catch {
    // ESRCH: no such process; EPERM: it exists but belongs to someone else, so it is not ours either.
    return undefined;
  }
  try {
    return (
      execFileSync('ps', ['-ww', '-o', 'args=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim() || undefined
    );
  } catch {
    return undefined;
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function writePid(file: string, pid: number): void {
  writeFileSync(file, `${pid}\n`);
}

export function removePid(file: string, pid: number): void {
  if (readPid(file) === pid) rmSync(file, { force: true });
}

/** Thrown when another live `npm start` uses the same folder. */
export class FolderInUseError extends Error {}

/**
 * Claims the folder for this process. A live `npm start` holding it is refused (two DynamoDB
 * Local processes must not share one database); a pid left by a run that died is taken over.
 */
export function claimFolder(folder: DataFolder): void {
  mkdirSync(folder.root, { recursive: true });
  const pid = readPid(folder.runPidFile);
  if (pid !== undefined && pid !== process.pid) {
    const command = commandLineOf(pid);
    if (command?.includes('start-local')) {
      throw new FolderInUseError(
        `Another npm start (pid ${pid}) is using ${folder.root}. Stop it (Ctrl-C there, or kill ${pid}), or set DATAGATE_DATA_DIR to another folder.`,
      );
    }
  }
  writePid(folder.runPidFile, process.pid);
}

export function releaseFolder(folder: DataFolder): void {
  removePid(folder.runPidFile, process.pid);
}

/**
 * Stops the DynamoDB Local that a killed run left serving this folder's database (possibly
 * stopped with SIGSTOP, holding its port). Only a java process running DynamoDBLocal.jar on
 * exactly this database is touched; a pid reused by anything else is left alone. Returns the pid
 * it stopped.
 */
export async function stopLeftoverDynamoDb(folder: DataFolder): Promise<number | undefined> {
  const pid = readPid(folder.dynamoDbPidFile);
  if (pid === undefined) return undefined;
  const ours = (command: string | undefined) => !!command?.includes('DynamoDBLocal') && command.includes(folder.database);
  const command = commandLineOf(pid);
  rmSync(folder.dynamoDbPidFile, { force: true });
  if (!ours(command)) return undefined;
  // SIGKILL works on a stopped process too; the database is SQLite, which keeps its journal.
  process.kill(pid, 'SIGKILL');
  const deadline = Date.now() + 10_000;
  while (ours(commandLineOf(pid)) && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  return pid;
}

/** What `npm run reset` deletes: the whole folder. Refused while an npm start uses it. */
export async function resetFolder(folder: DataFolder): Promise<void> {
  claimFolder(folder);
  await stopLeftoverDynamoDb(folder);
  rmSync(folder.root, { recursive: true, force: true });
}
