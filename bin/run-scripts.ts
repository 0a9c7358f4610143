/**
 * Runs npm scripts side by side and exits with the first failure's code, so `npm test` spends
 * the static checks' time once on a 2-core machine instead of one after the other (the type
 * check and ESLint's typed rules each build a TypeScript program, about 25 s and 40 s of CPU).
 * Each script's output is held until it ends and printed in one piece, so logs stay readable.
 *
 *   tsx bin/run-scripts.ts typecheck lint
 */
import { spawn } from 'node:child_process';

interface Finished {
  script: string;
  code: number;
  output: string;
  seconds: number;
}

function run(script: string): Promise<Finished> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
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

const scripts = process.argv.slice(2);
if (scripts.length === 0) {
  console.error('usage: tsx bin/run-scripts.ts <npm script>...');
  process.exit(2);
}
const results = await Promise.all(
  scripts.map((script) =>
    run(script).then((result) => {
      process.stdout.write(`\n> npm run ${script} (${result.seconds.toFixed(0)} s, exit ${result.code})\n${result.output}`);
      return result;
    }),
  ),
);
const failed = results.find((result) => result.code !== 0);
process.exit(failed ? failed.code : 0);
