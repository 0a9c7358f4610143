import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * The OpenAPI document through Redocly's recommended rules (`redocly.yaml`) and Spectral's
 * `spectral:oas` (`.spectral.yaml`), with the CLIs the project installs: any error, warning or
 * hint of either is a problem. Used by `npm run lint` (bin/lint-openapi.ts) and the test of the
 * served document.
 */

const run = promisify(execFile);
const ROOT = process.cwd();
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);

/** Lints the document; answers the problems, one line each (empty: clean). */
export async function lintOpenApiDocument(document: unknown): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'datagate-openapi-'));
  const file = join(dir, 'openapi.json');
  writeFileSync(file, JSON.stringify(document, null, 2));
  const problems: string[] = [];
  try {
    const options = { cwd: ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', NO_COLOR: '1' } };
    const redocly = await run(
      bin('redocly'),
      ['lint', '--config', join(ROOT, 'redocly.yaml'), '--format', 'json', file],
      options,
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const redoclyReport = JSON.parse(redocly.stdout || '{}') as {
      problems?: { ruleId: string; severity: string; message: string }[];
    };
    if (!redoclyReport.problems) problems.push(`redocly: no report (${redocly.stdout.slice(0, 200)})`);
    for (const problem of redoclyReport.problems ?? [])
      problems.push(`redocly ${problem.severity} ${problem.ruleId}: ${problem.message}`);

    const spectral = await run(
      bin('spectral'),
      ['lint', '--ruleset', join(ROOT, '.spectral.yaml'), '--format', 'json', '--fail-severity', 'hint', '--quiet', file],
      options,
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const spectralReport = JSON.parse(spectral.stdout || 'null') as
      { code: string; severity: number; message: string; path: string[] }[] | null;
    if (!Array.isArray(spectralReport)) problems.push(`spectral: no report (${spectral.stdout.slice(0, 200)})`);
    for (const result of spectralReport ?? [])
      problems.push(
        `spectral ${['error', 'warning', 'info', 'hint'][result.severity]} ${result.code}: ${result.message} at ${result.path.join('.')}`,
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return problems;
}
