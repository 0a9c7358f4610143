import { ensureTable, startDynamoDbLocal } from '../lib/local/dynamodb-local';
import { FULL_RUN } from './run-bench';

/**
 * Runs only the named cases (`npx tsx bench/run-cases.ts query stream`), with the full run's
 * settings unless overridden as `key=value` arguments: for checking one's own cases on a shared
 * machine, as the helpers' rules ask. Prints the figures; writes nothing.
 */
const names = process.argv.slice(2).filter((arg) => !arg.includes('='));
const overrides = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((arg) => arg.includes('='))
    .map((arg) => [arg.split('=')[0]!, Number(arg.split('=')[1])]),
);
const dynamo = await startDynamoDbLocal();
try {
  await ensureTable(dynamo.endpoint, 'datagate-bench');
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = 'datagate-bench';
  process.env.AWS_REGION ??= 'local';
  process.env.DATAGATE_LOG = 'silent';
  const { loadCases } = await import('./cases');
  const { installRequestCounter } = await import('./request-counter');
  installRequestCounter();
  for (const benchCase of await loadCases()) {
    if (!names.includes(benchCase.name) || !benchCase.run) continue;
    console.log(benchCase.name, JSON.stringify(await benchCase.run({ ...FULL_RUN, ...overrides }), null, 2));
  }
} finally {
  await dynamo.stop();
}
