import { join } from 'node:path';
import { startLocalRuntime } from '../lib/local/runtime';

/**
 * `npm start`: the whole API on http://127.0.0.1:$PORT against DynamoDB Local, with demo data
 * and a local OIDC issuer. Ctrl-C stops everything it started.
 */

const dataDir = process.env.DATAGATE_DATA_DIR ?? join(process.cwd(), '.datagate');
const port = Number(process.env.PORT ?? 3000);
const dynamoDbPort = process.env.DYNAMODB_PORT ? Number(process.env.DYNAMODB_PORT) : undefined;
// The handlers' and authorizers' log events as one readable line each (DATAGATE_LOG=json: as in Lambda).
process.env.DATAGATE_LOG ??= 'readable';

async function main() {
  process.stdout.write('Starting DynamoDB Local and the Datagate API...\n');
  const runtime = await startLocalRuntime({
    port,
    dynamoDbPort,
    dataDir: join(dataDir, 'dynamodb'),
    issuerKeyFile: join(dataDir, 'local-issuer-key.json'),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping the API and DynamoDB Local...\n`);
    await runtime.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  // Imported only now: the domain modules read DYNAMODB_ENDPOINT when they load.
  const { prepareDemo } = await import('../lib/local/demo-data');
  const { demo, apiKey, seeded } = await prepareDemo(join(dataDir, 'demo.json'), runtime.freshTable);
  const url = runtime.server.url;
  const { riverside, northfield } = demo;
  process.stdout.write(`
Datagate is running at ${url}  (DynamoDB Local at ${runtime.dynamoDbEndpoint}, data in ${dataDir})
${seeded ? 'Demo data created' : 'Demo data loaded'}: "Riverside City Council" (${riverside.orgId}, admin ${riverside.admin}),
"Northfield University" (${northfield.orgId}, admin ${northfield.admin}), and the application
"City Air Dashboard" (${demo.applicationId}) connected to both.

Demo API key for this run (shown once; a new one is issued at each start):
  export KEY=${apiKey}

1. Get a person's token from the local OIDC issuer:
  export TOKEN=$(curl -s -X POST ${url}/local/token -H 'Content-Type: application/json' -d '{"email":"${riverside.admin}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')
2. Create an org (you become its admin):
  curl -s -X POST ${url}/admin/orgs -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"My Org"}'
3. Create an application in Riverside and get its first key:
  curl -s -X POST ${url}/admin/orgs/${riverside.orgId}/applications -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"My Pipeline"}'
4. Connect an application to Riverside with a role (use the applicationId from step 3):
  curl -s -X POST ${url}/admin/orgs/${riverside.orgId}/connections -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"applicationId":"<applicationId>","roles":["observer"]}'
5. As the application, list the datasources of each connected org:
  curl -s "${url}/v2/datasources?org=${riverside.orgId}" -H "x-api-key: $KEY"
  curl -s "${url}/v2/datasources?org=${northfield.orgId}" -H "x-api-key: $KEY"
  curl -s ${url}/v2/whoami -H "x-api-key: $KEY"

OpenAPI document: ${url}/openapi.json    Stop with Ctrl-C.
`);
}

main().catch((error) => {
  console.error(`Datagate failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
