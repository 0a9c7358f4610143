/**
 * Runs npm scripts side by side and exits with the first failure's code. `npm test` runs the
 * static checks (`npm run lint`: ESLint's typed rules and TypeScript's errors from the one program
 * they build, about 45 s of CPU, then Prettier, Knip and the OpenAPI linters) beside Jest: Jest's
 * suites wait on DynamoDB Local, `npm start` children and Chromium, and left a 2-core machine
 * about 12 % idle when they ran after the checks.
 * Each script's output is held until it ends and printed in one piece, so logs stay readable;
 * the one script named after `--live` (Jest) prints as it goes.
 *
 *   tsx bin/run-scripts.ts lint --live jest
 */
import { spawn } from 'node:child_process';

interface Finished {
  script: string;
  code: number;
  output: string;
  seconds: number;
}

function run(script: string, live: boolean, extra: readonly string[] = []): Promise<Finished> {
  const started = Date.now();
  return new Promise((resolve) => {
    // `jest` is the package's binary (`npm exec`); any other name is an npm script.
    const command =
      script === 'jest' ? ['exec', '--', 'jest', ...extra] : ['run', script, ...(extra.length ? ['--', ...extra] : [])];
    const child = spawn('npm', command, { stdio: ['ignore', live ? 'inherit' : 'pipe', live ? 'inherit' : 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (code, signal) =>
      resolve({
        script,
        code: code ?? (signal ? 1 : 0),
        output: Buffer.concat(chunks).toString(),
        seconds: (Date.now() - started) / 1000,
      }),
    );
  });
}

const args = process.argv.slice(2);
const liveAt = args.indexOf('--live');
const held = liveAt < 0 ? args : args.slice(0, liveAt);
// After `--live`: the script, then its own arguments (`npm test -- test/unit` passes them to Jest).
const [live, ...liveArgs] = liveAt < 0 ? [] : args.slice(liveAt + 1);
if (held.length === 0 && live === undefined) {
  console.error('usage: tsx bin/run-scripts.ts <npm script>... [--live <npm script or jest> [its arguments]]');
  process.exit(2);
}
const results = await Promise.all([
  ...held.map((script) =>
    run(script, false).then((result) => {
      process.stdout.write(`\n> npm run ${script} (${result.seconds.toFixed(0)} s, exit ${result.code})\n${result.output}`);
      return result;
    }),
  ),
  ...(live === undefined ? [] : [run(live, true, liveArgs)]),
]);
const failed = results.find((result) => result.code !== 0);
process.exit(failed ? failed.code : 0);
