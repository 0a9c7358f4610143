import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { buildOpenApiDocument } from '../../functions/core/http/openapi';
import { routeList } from '../../functions/routes';

/**
 * Whether the admin console's build (`console/dist`) is current, and building it when not.
 * The console is typed from the OpenAPI document, so the document is one of its inputs: a
 * changed route schema rebuilds the console (and its type check fails if a screen drifted).
 */

// npm scripts, Jest and the CDK app all run from the project root.
export const ROOT = process.cwd();
export const CONSOLE_DIR = join(ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_DIR, 'dist');
export const CONSOLE_STAMP = join(CONSOLE_DIST, '.build-stamp');

/** Files the build writes inside console/ itself, which are outputs, not inputs. */
const GENERATED = new Set(['dist', 'node_modules', 'src/api/schema.d.ts', 'openapi.json']);

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (GENERATED.has(relative(CONSOLE_DIR, path))) continue;
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else files.push(path);
  }
  return files.sort();
}

/** The OpenAPI document as the console's build sees it (the served one, byte for byte). */
export function openApiJson(): string {
  return `${JSON.stringify(buildOpenApiDocument(routeList), null, 2)}\n`;
}

/** A digest of everything the console's build depends on: its sources, the OpenAPI document and the lock file. */
export function consoleInputsDigest(): string {
  const hash = createHash('sha256');
  hash.update(openApiJson());
  for (const file of [...sourceFiles(CONSOLE_DIR), join(ROOT, 'package-lock.json')]) {
    hash.update(relative(ROOT, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** Whether console/dist exists and was built from the current inputs. */
export function isConsoleBuildCurrent(): boolean {
  if (!existsSync(CONSOLE_STAMP) || !statSync(CONSOLE_STAMP).isFile()) return false;
  return readFileSync(CONSOLE_STAMP, 'utf8').trim() === consoleInputsDigest();
}

/**
 * Builds the console when it is missing or stale (`npm start`, `npm test`, the browser tests).
 * The build runs in a child process: Vite is ESM-only and Jest loads this module as CommonJS.
 */
export function ensureConsoleBuilt(options: { quiet?: boolean } = {}): void {
  if (isConsoleBuildCurrent()) return;
  if (!options.quiet) process.stdout.write('Building the admin console (console/dist)...\n');
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), join(ROOT, 'bin', 'build-console.ts')],
    {
      cwd: ROOT,
      stdio: options.quiet ? 'pipe' : 'inherit',
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    throw new Error(
      `The console build failed (exit ${result.status}).${options.quiet ? `\n${result.stdout}\n${result.stderr}` : ''}`,
    );
  }
}
