import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connect, createApplication, createDatasource, createOrg, signIn } from '../test/support/scenario';
import { benchApi } from './bench-api';
import { progress } from './sampling';
import type { BenchSettings, Figures } from './cases';

/**
 * `soak.*`: sustained mixed load on the local server (loopback only): data routes (listing,
 * whoami, ingest, recent query) and admin routes (org, applications, audit log, a datasource
 * edit), from autocannon in a child process. Afterwards every ingest that was answered 202 must
 * be readable through the data API, and the server's memory (this process: router, authorizers,
 * handlers) must not have grown beyond the bound over the run.
 *
 * - `soak.errors`: answers that were not 2xx, plus socket errors and timeouts (target 0).
 * - `soak.lostMeasurements`: accepted measurements the recent query does not return (target 0).
 * - `soak.heapGrowthMB`: live memory (V8 heap in use plus external buffers) after the run minus after
 *   a warm-up, both after a full GC (target <= 50): what the process keeps, so a leak shows.
 * - `soak.rssGrowthMB`: resident memory, the same way (reported): V8 keeps the heap pages a busy run
 *   grew into after it frees their objects, so this follows how much the load allocated at once
 *   (whole streamed answers) rather than what is kept.
 * - `soak.p50Millis`, `soak.p99Millis`: latency of all requests of the run (reported).
 */

const DATASOURCES = 40;
const CONNECTIONS = 10;

interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  latency: { p50: number; p99: number; max: number };
  accepted: { datasourceId: string; time: string; value: number }[];
}

/** A full garbage collection, so the two memory readings compare live data rather than GC timing. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Resident and live memory (heap in use plus external), MB, after a full GC. */
function memoryMB(): { rss: number; live: number } {
  collectGarbage();
  collectGarbage();
  const { rss, heapUsed, external } = process.memoryUsage();
  return { rss: rss / (1024 * 1024), live: (heapUsed + external) / (1024 * 1024) };
}

function runLoad(input: Record<string, unknown>): Promise<LoadResult> {
  const script = join(process.cwd(), 'bench', 'soak-load.mjs');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch {
        reject(new Error(`the soak load exited with ${code} and no result`));
      }
    });
  });
}

export async function soakCases(settings: BenchSettings): Promise<Figures> {
  const api = await benchApi();
  const admin = await signIn(api, 'soak-admin');
  const orgId = await createOrg(api, admin, 'Soak');
  const datasourceIds: string[] = [];
  for (let i = 0; i < DATASOURCES; i++) {
    datasourceIds.push(await createDatasource(api, orgId, admin, `Soak site ${i}`));
    progress('soak: writing datasources', i + 1, DATASOURCES);
  }
  const application = await createApplication(api, orgId, admin, 'Soak load');
  await connect(api, orgId, admin, application.applicationId, ['technician']);
  const input = {
    url: api.url,
    connections: CONNECTIONS,
    key: application.key,
    token: admin.token,
    orgId,
    datasourceIds,
  };

  // Warm-up: loads every route's modules and fills the caches, so the memory bound measures growth, not start-up.
  const warmup = await runLoad({ ...input, seconds: Math.min(5, settings.soakSeconds), baseTime: Date.now() - 3_600_000 });
  const before = memoryMB();
  progress('soak', 0, 1);
  const load = await runLoad({ ...input, seconds: settings.soakSeconds, baseTime: Date.now() - 7_200_000 });
  progress('soak', 1, 1);
  const after = memoryMB();

  const accepted = [...warmup.accepted, ...load.accepted];
  let lost = 0;
  for (const datasourceId of datasourceIds) {
    const answer = await api.call<{ data: { time: string; value: number }[] }>(
      'POST',
      '/v2/recent-datasource-measurements-query',
      {
        key: application.key,
        body: { org: orgId, datasourceIds: [datasourceId], outputFrequency: 'minute' },
      },
    );
    if (answer.status !== 200) throw new Error(`soak: reading back ${datasourceId} answered ${answer.status}`);
    const stored = new Set(answer.body.data.map((row) => `${row.time}|${row.value}`));
    const sent = accepted.filter((measurement) => measurement.datasourceId === datasourceId);
    if (sent.length >= 5000) throw new Error('soak: more measurements per datasource than one answer holds; add datasources');
    lost += sent.filter((measurement) => !stored.has(`${new Date(measurement.time).toISOString()}|${measurement.value}`)).length;
  }

  return {
    'soak.errors': load.non2xx + load.errors + load.timeouts + warmup.non2xx + warmup.errors + warmup.timeouts,
    'soak.lostMeasurements': lost,
    'soak.heapGrowthMB': Math.max(0, after.live - before.live),
    'soak.rssGrowthMB': Math.max(0, after.rss - before.rss),
    'soak.p50Millis': load.latency.p50,
    'soak.p99Millis': load.latency.p99,
    'soak.maxMillis': load.latency.max,
    'soak.requests': load.requests,
    'soak.seconds': settings.soakSeconds,
    'soak.acceptedMeasurements': accepted.length,
    'soak.heapBeforeMB': before.live,
    'soak.heapAfterMB': after.live,
    'soak.rssBeforeMB': before.rss,
    'soak.rssAfterMB': after.rss,
  };
}
