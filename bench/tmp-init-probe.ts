import { spawnSync } from 'node:child_process';
import { LAMBDA_NODE_OPTIONS } from '../lib/lambda-bundling';
const names = process.argv.slice(2);
for (const name of names) {
  const file = `${process.cwd()}/bench/build.tmp/${name}/index.mjs`;
  const times: number[] = [];
  for (let i = 0; i < 9; i++) {
    const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH, NODE_OPTIONS: LAMBDA_NODE_OPTIONS, AWS_REGION: 'us-east-1', TABLE_NAME: 'datagate' } });
    times.push(Number(r.stdout.toString()));
  }
  times.sort((a, b) => a - b);
  console.log(name, times[4]!.toFixed(1));
}
