import { join } from 'node:path';
import { claimFolder, dataFolder, FolderInUseError, releaseFolder, stopLeftoverDynamoDb } from '../lib/local/data-folder';
import { DataFolderError, demoDays, readDemoState } from '../lib/local/demo-data';
import { startLocalRuntime, type LocalRuntime } from '../lib/local/runtime';
import { ensureConsoleBuilt } from '../lib/local/console-build';
import { walkthroughScript } from '../lib/local/walkthrough';
import { setNotReady } from '../functions/core/platform/readiness';

/**
 * `npm start`: the whole API on http://127.0.0.1:$PORT against DynamoDB Local, with demo data
 * and a local OIDC issuer. It starts after any history of the data folder (restarts, runs
 * killed half-way, a DynamoDB Local left behind, a folder of an older version), and SIGINT or
 * SIGTERM, at any moment, stops everything it started.
 */

const folder = dataFolder(process.env.DATAGATE_DATA_DIR ?? join(process.cwd(), '.datagate'));
const port = Number(process.env.PORT ?? 3000);
const dynamoDbPort = process.env.DYNAMODB_PORT ? Number(process.env.DYNAMODB_PORT) : undefined;
// The handlers' and authorizers' log events as one readable line each (DATAGATE_LOG=json: as in Lambda).
process.env.DATAGATE_LOG ??= 'readable';
// An ingest's deadline is under Lambda's 10-second timeout; the local server has none, and on a
// busy machine DynamoDB Local on a file is far slower than DynamoDB: the demo's seeding took
// over 8 s a call on 2 cores shared with other builds.
process.env.INGEST_DEADLINE_MS ??= '60000';
// ...and the functions' timeout past it, so middy's early timeout does not end such an ingest at 10 s.
process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS ??= '70';
const RESET_HINT =
  'Run `npm run reset` to delete the data folder (all local data: orgs, keys, measurements) and start over with fresh demo data.';

let runtime: LocalRuntime | undefined;
let stopping = false;

async function stop(reason: string, exitCode = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    process.stdout.write(`\n${reason}: stopping the API and DynamoDB Local...\n`);
    // Before the runtime exists, DynamoDB Local (if already spawned) is killed on exit.
    await runtime?.stop().catch(() => undefined);
    releaseFolder(folder);
  }
  process.exit(exitCode);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGHUP'));
// A promise nobody awaited failed: a bug. Node's default would exit at once, leaving DynamoDB Local
// running and the data folder claimed; this says what failed, with its stack, stops both and exits 1.
process.on('unhandledRejection', (reason) => {
  console.error('Datagate stopped on an unhandled rejection:', reason);
  void stop('unhandled rejection', 1);
});
// `npm start` runs this under npm (through `sh -c exec ...`). If what started it dies without
// passing a signal on (npm killed, a shell that does not forward), this process is adopted by
// another parent: then nobody can stop it any more, so it stops itself.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && void stop('parent process gone'), 500).unref();

async function main() {
  // DATAGATE_DEMO_DAYS: a wrong value stops the start before anything is spawned.
  const days = demoDays();
  const daysOfMeasurements = `${days === 1 ? 'the last day' : `the last ${days} days`} of measurements`;
  // The admin console at `/`: built when missing or out of date.
  ensureConsoleBuilt();
  claimFolder(folder);
  const leftover = await stopLeftoverDynamoDb(folder);
  if (leftover) process.stdout.write(`Stopped the DynamoDB Local (pid ${leftover}) a previous run left behind.\n`);
  const stored = readDemoState(folder.demoStateFile);
  // A first start killed while seeding left a table with only part of the demo in it.
  const recreateTable = stored.kind === 'current' && stored.state.status === 'seeding';
  process.stdout.write('Starting DynamoDB Local and the Datagate API...\n');
  runtime = await startLocalRuntime({
    port,
    dynamoDbPort,
    dataDir: folder.database,
    dynamoDbPidFile: folder.dynamoDbPidFile,
    s3DataDir: join(folder.root, 's3'),
    issuerKeyFile: folder.issuerKeyFile,
    recreateTable,
  });
  if (stopping) return;
  const seeding = runtime.freshTable || recreateTable;
  const notReady = seeding
    ? `Writing the demo data (${daysOfMeasurements} of five datasources): a minute or two, longer on a busy machine.`
    : 'Bringing the demo data up to date.';
  setNotReady(notReady);
  process.stdout.write(
    `The API answers at ${runtime.server.url} already; ${notReady}\nGET /health says "ready": false until then; wait for the line "Datagate is ready".\n`,
  );
  // Imported only now: the domain modules read their configuration when first used.
  const { prepareDemo } = await import('../lib/local/demo-data');
  const prepared = await prepareDemo({
    stateFile: folder.demoStateFile,
    stored,
    freshTable: runtime.freshTable,
    router: runtime.server.router,
    days,
  });
  if (stopping) return;
  setNotReady(undefined);
  // The scheduled workers (the archiver) start once the demo data is written, so it never competes with the seeding.
  runtime.startSchedules(60_000);
  const { demo, apiKey } = prepared;
  const url = runtime.server.url;
  const what = {
    created: recreateTable ? 'Demo data created again (the first start had been interrupted)' : 'Demo data created',
    migrated: 'Demo data of an older version brought up to date',
    loaded: 'Demo data loaded',
  }[prepared.happened];
  process.stdout.write(`
Datagate is running at ${url}  (DynamoDB Local at ${runtime.dynamoDbEndpoint}, data in ${folder.root})
Open the console: ${url}/  (sign in as ${demo.riverside.admin}, or any email)
${what}: "Riverside City Council" (${demo.riverside.orgId}, admin ${demo.riverside.admin}) and "Northfield University"
(${demo.northfield.orgId}, admin ${demo.northfield.admin}), five datasources with ${daysOfMeasurements}
(${prepared.measurementsSent} sent now), and the application "City Air Dashboard" (${demo.dashboardApplicationId}), connected to both.
${prepared.warning ? `Warning: ${prepared.warning}\n` : ''}
City Air Dashboard's API key for this run (a new one at each start; the previous one stops):
DEMO_KEY=${apiKey}
curl -sSf --compressed -X POST ${url}/v2/recent-datasource-measurements-query -H "x-api-key: $DEMO_KEY" -H 'Content-Type: application/json' -d '{"org":"${demo.riverside.orgId}","allDatasources":true,"outputFrequency":"day"}'

The walk-through of README.md, with this run's values:

${walkthroughScript({ api: url, orgId: demo.riverside.orgId })}

OpenAPI document: ${url}/openapi.json    Stop with Ctrl-C.

Datagate is ready: GET ${url}/health answers "ready": true.
`);
}

main().catch(async (error) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof DataFolderError ? `\n${RESET_HINT}` : '';
  console.error(`Datagate failed to start: ${message}${hint}`);
  await runtime?.stop().catch(() => undefined);
  if (!(error instanceof FolderInUseError)) releaseFolder(folder);
  process.exit(1);
});
