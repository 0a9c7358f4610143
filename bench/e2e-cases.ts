import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/core/store/table';
import { getTableName } from '../functions/core/platform/config';
import type { TestApi } from '../test/support/local-api';
import { connect, createApplication, createDatasource, createOrg, signIn } from '../test/support/scenario';
import { compareInterleaved, progress, timeMillis } from './sampling';
import { benchApi } from './bench-api';
import { requestsMadeBy } from './request-counter';
import type { BenchSettings, Figures } from './cases';

/**
 * `e2e.*`: `GET /v2/datasources` through the local server (router, authorizer, handler, the
 * same modules the stack deploys) with a warm key, against its floor: the server's cheapest
 * round trip (`GET /health`) plus the one Query the listing needs, made directly.
 */

const DATASOURCES = 20;

interface Scene {
  api: TestApi;
  orgId: string;
  key: string;
}

/** An org with datasources and an application connected to it as observer, all through the admin API. */
async function scene(): Promise<Scene> {
  const api = await benchApi();
  const admin = await signIn(api, 'bench-admin');
  const orgId = await createOrg(api, admin, 'Bench');
  for (let i = 0; i < DATASOURCES; i++) {
    await createDatasource(api, orgId, admin, `Site ${i}`);
    progress('e2e: writing datasources', i + 1, DATASOURCES);
  }
  const application = await createApplication(api, orgId, admin, 'Bench reader');
  await connect(api, orgId, admin, application.applicationId, ['observer']);
  return { api, orgId, key: application.key };
}

async function fetchOk(url: string, headers: Record<string, string> = {}): Promise<void> {
  const response = await fetch(url, { headers });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`);
}

/** Requests per second autocannon gets, run as a child so it does not share the server's event loop. */
function requestsPerSecond(url: string, key: string, seconds: number): Promise<number> {
  const cli = join(process.cwd(), 'node_modules', 'autocannon', 'autocannon.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, '--json', '-c', '10', '-d', String(seconds), '-H', `x-api-key=${key}`, url], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', () => {
      try {
        const result = JSON.parse(out) as { requests: { average: number }; non2xx: number; errors: number };
        if (result.non2xx > 0 || result.errors > 0)
          reject(new Error(`autocannon: ${result.non2xx} answers were not 2xx, ${result.errors} errors`));
        else resolve(result.requests.average);
      } catch (error) {
        reject(new Error(`autocannon gave no result: ${String(error)}`));
      }
    });
  });
}

export async function e2eCases(settings: BenchSettings): Promise<Figures> {
  const { api, orgId, key } = await scene();
  const listUrl = `${api.url}/v2/datasources?org=${orgId}`;
  const list = () => fetchOk(listUrl, { 'x-api-key': key });
  const directQuery = () =>
    documentClient().send(
      new QueryCommand({
        TableName: getTableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :ds)',
        ExpressionAttributeValues: { ':pk': `ORG#${orgId}`, ':ds': 'DS#' },
        Limit: 1000,
      }),
    );
  await list(); // warms the key cache and loads the route's modules
  const callsPerList = await requestsMadeBy(list);
  const compared = await compareInterleaved(
    'e2e.datasourcesOverFloor',
    settings.samples,
    () => timeMillis(list),
    () =>
      timeMillis(async () => {
        await fetchOk(`${api.url}/health`);
        await directQuery();
      }),
  );
  progress('e2e.rps', 0, 1);
  const rps = await requestsPerSecond(listUrl, key, settings.rpsSeconds);
  progress('e2e.rps', 1, 1);
  return {
    'e2e.datasourcesOverFloor': compared.ratio,
    'e2e.datasourcesMillis': compared.a,
    'e2e.floorMillis': compared.b,
    'e2e.dynamoCallsPerList': callsPerList,
    'e2e.rps': rps,
  };
}
