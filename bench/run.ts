import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FULL_RUN, SMOKE_RUN, runBench } from './run-bench';
import { renderTable } from './report';

/**
 * `npm run bench`: measures, prints the table, writes `bench/results.json` and exits 1 when a
 * target that can be measured on this branch is missed (pending cases do not fail the run).
 * `npm run bench -- --smoke` runs every case with tiny counts and writes nothing;
 * `npm run bench -- --only=ingest,rollups` runs those cases alone and writes nothing.
 */

const smoke = process.argv.includes('--smoke');
const only = process.argv
  .find((argument) => argument.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const started = Date.now();
const { figures, table } = await runBench(smoke ? SMOKE_RUN : FULL_RUN, only ? { only } : {});
const seconds = (Date.now() - started) / 1000;

console.log(renderTable(table));
console.log(`\n${smoke ? 'smoke run' : 'bench'} took ${seconds.toFixed(0)} s`);
if (!smoke && !only) {
  const file = join(process.cwd(), 'bench', 'results.json');
  writeFileSync(file, `${JSON.stringify({ ...figures, 'bench.seconds': Math.round(seconds) }, null, 2)}\n`);
  console.log(`wrote ${file}`);
}
process.exit(table.some((row) => row.result === 'FAIL') ? 1 : 0);
