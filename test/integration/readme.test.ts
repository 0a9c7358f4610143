import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestApi } from '../support/local-api';
import { prepareDemo } from '../../lib/local/demo-data';
import { walkthroughScript } from '../../lib/local/walkthrough';

/**
 * The documentation test: the README's shell snippets run as written, in order, in one shell,
 * against the local API with `npm start`'s demo data, as a newcomer would paste them.
 *
 * The convention, for anyone adding a snippet to README.md:
 * - Every ```sh block runs, in the README's order, in ONE bash with `set -euo pipefail`;
 *   variables set by one block are there for the next. Use the walk-through's (API, TOKEN, ORG,
 *   DS, APP, KEY, json) or set your own before use; never undo what a later block needs.
 * - A block that must not run here (installing, starting, deploying) is preceded by the line
 *   `<!-- doc-test: skip (the reason) -->` (a blank line between them is allowed: Prettier writes one).
 * - Every curl says which status it expects: either it fails on an error status (`-f`, as in
 *   `-sSf`, `--fail` or `--fail-with-body`), or it prints the status last with
 *   `-w '%{http_code}\n'` (or `-w '\n%{http_code}\n'` after the body; `-o /dev/null` for the
 *   status alone) and its line ends with the comment `# -> 409` (the status it promises), which
 *   this test compares with the last line the command printed.
 * - Dates are computed relative to now (`date -u +%Y-%m-%dT%H:%M:%SZ`, or a node one-liner).
 * - The one change made to the text: `API=http://127.0.0.1:3000` points at this test's API.
 */

const README = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const README_API = 'API=http://127.0.0.1:3000';

interface Snippet {
  line: number;
  code: string;
  skipped: boolean;
}

function shellSnippets(markdown: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index++) {
    if (lines[index] !== '```sh') continue;
    const end = lines.indexOf('```', index + 1);
    // The marker is the line above the fence, or above the blank line Prettier puts between them.
    let above = index - 1;
    while (above > 0 && lines[above] === '') above--;
    const skipped = /^<!-- doc-test: skip \(.+\) -->$/.test(lines[above] ?? '');
    snippets.push({ line: index + 1, code: lines.slice(index + 1, end).join('\n'), skipped });
    index = end;
  }
  return snippets;
}

/** A snippet's lines joined into commands (backslash continuations kept as they are). */
function commandsOf(code: string): string[] {
  const commands: string[] = [];
  let current = '';
  for (const line of code.split('\n')) {
    current = current ? `${current}\n${line}` : line;
    if (!line.endsWith('\\')) {
      commands.push(current);
      current = '';
    }
  }
  return commands;
}

const FAILS_ON_ERROR = /(\s-[a-zA-Z]*f[a-zA-Z]*\s)|(\s--fail(-with-body)?\s)/;
const PROMISED_STATUS = /#\s*->\s*(\d{3})\s*$/;

/** The snippet as bash runs it: each command promising a status has it checked. */
function checked(snippet: Snippet): string {
  return commandsOf(snippet.code)
    .map((command) => {
      const promised = PROMISED_STATUS.exec(command);
      if (!promised) return command;
      const bare = command.replace(PROMISED_STATUS, '').trimEnd();
      return `status=$(${bare} | tail -n 1); [ "$status" = "${promised[1]}" ] || { echo "README line ${snippet.line}ff: answered $status, the README promises ${promised[1]}: ${bare.replace(/["$`\\]/g, '\\$&')}" >&2; exit 1; }`;
    })
    .join('\n');
}

describe('README.md', () => {
  const snippets = shellSnippets(README);
  const runnable = snippets.filter((snippet) => !snippet.skipped);

  it('has shell snippets, and every curl in them states the status it expects', () => {
    expect(runnable.length).toBeGreaterThanOrEqual(8);
    const unstated = runnable.flatMap((snippet) =>
      commandsOf(snippet.code)
        .filter((command) => /(^|[\s$(])curl\s/.test(command.replace(/#.*$/gm, '')))
        .filter((command) => {
          const code = `${command.replace(/#.*$/gm, '')} `;
          const printsStatus = /-w '(\\n)?%\{http_code\}/.test(code) && PROMISED_STATUS.test(command);
          return !FAILS_ON_ERROR.test(code) && !printsStatus;
        })
        .map((command) => `line ${snippet.line}ff: ${command}`),
    );
    expect(unstated).toEqual([]);
  });

  it('holds the walk-through that npm start prints (with the values looked up instead of filled in)', () => {
    const walkthrough = snippets.find((snippet) => snippet.code.startsWith(README_API));
    expect(walkthrough?.code).toBe(walkthroughScript());
  });

  describe('against the local API with the demo data', () => {
    const api = useTestApi();
    let workDir: string;

    beforeAll(async () => {
      workDir = mkdtempSync(join(tmpdir(), 'datagate-readme-'));
      await prepareDemo({
        stateFile: join(workDir, 'demo.json'),
        stored: { kind: 'none' },
        freshTable: true,
        router: api.runtime.server.router,
        // The snippets' queries read the last 48 hours at most; the 10 days are start-local.test.ts's.
        days: 2,
      });
    }, 120_000);

    afterAll(() => rmSync(workDir, { recursive: true, force: true }));

    it('runs every sh snippet as written, in order, in one shell, each answering the status it promises', async () => {
      const script = [
        'set -euo pipefail',
        ...runnable.map(
          (snippet, index) =>
            `echo "::snippet ${index + 1} (README line ${snippet.line})::"\n${checked(snippet).replace(README_API, `API=${api.url}`)}`,
        ),
        'echo "::all snippets ran::"',
      ].join('\n');
      const outcome = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn('bash', ['-c', script], { cwd: workDir, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      const lastSnippet = outcome.stdout.match(/::snippet \d+ \(README line \d+\)::/g)?.pop();
      // On failure, say where: the snippet that ran last, and what bash and curl said.
      expect({ code: outcome.code, lastSnippet, stderr: outcome.stderr.slice(-2000) }).toEqual({
        code: 0,
        lastSnippet: `::snippet ${runnable.length} (README line ${runnable.at(-1)!.line})::`,
        stderr: '',
      });
      expect(outcome.stdout).toContain('::all snippets ran::');
      // The walk-through's hourly query answered the demo's measurements.
      expect(outcome.stdout).toMatch(/"metric":"pm2_5ConcMass1HourMean","value":\d/);
    }, 180_000);
  });
});
