import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, symlinkSync, existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Stack } from 'aws-cdk-lib';
import { DatagateFunction } from '../../lib/datagate-function';
import { LAMBDA_BUNDLING, deployedHandlers, lambdaBuildOptions } from '../../lib/lambda-bundling';
import { testApp } from '../support/cdk-app';
import { useSynthesis } from '../support/synthesis';

/**
 * The bundles that deploy, run: the esbuild output `cdk synth` wrote for every function (ESM,
 * minified, with its externals) behind the local router, against DynamoDB Local and the local
 * S3 API (test/support/bundled-api.ts), walking the seed's flow: an org, a datasource, an
 * application and its key, a connection, measurements in, a query, a report out (through the
 * report worker's bundle, fed by the real SQS client) and the archiver's bundle. A bundle that
 * cannot load (a missing external, a file not copied) or misbehaves fails here, as it would in
 * Lambda, before a deployment. Bundling happens once per run (the infra suite's synthesis).
 */

const synthesis = useSynthesis();
const STARTUP_MS = 180_000;
/** The flow makes about 20 requests, each a first (cold) import of a bundle: generous on a busy 2-core machine. */
const FLOW_MS = 300_000;
const MINUTE = 60_000;

interface BundledApi {
  child: ChildProcess;
  url: string;
  queueUrl: string;
  dynamoDbEndpoint: string;
  s3Endpoint: string;
  output: () => string;
}

/** Starts test/support/bundled-api.ts on a map of bundles; resolves once it answers. */
function startBundledApi(bundles: Record<string, string>, env: Record<string, string> = {}): Promise<BundledApi> {
  const mapFile = join(synthesis().outdir, `bundles-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(mapFile, JSON.stringify(bundles));
  const child = spawn(process.execPath, ['--import', 'tsx', join('test', 'support', 'bundled-api.ts'), mapFile], {
    cwd: process.cwd(),
    env: { ...process.env, DATAGATE_LOG: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The bundled API did not start:\n${output}`)), STARTUP_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /^BUNDLED_API (.*)$/m.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ child, ...JSON.parse(ready[1]!), output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The bundled API exited (${code}):\n${output}`));
    });
  });
}

async function stopBundledApi(api: BundledApi | undefined): Promise<void> {
  if (!api || api.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    api.child.removeAllListeners('exit');
    api.child.once('exit', () => resolve());
    api.child.kill('SIGTERM');
  });
}

async function call(
  api: BundledApi,
  method: string,
  path: string,
  options: { token?: string; key?: string; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.key) headers['x-api-key'] = options.key;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // csv and html answers stay text
  }
  return { status: response.status, body, headers: response.headers };
}

/** The Lambda runtime's modules beside the bundles: the AWS SDK (v3), nothing else. */
function provideRuntimeModules(outdir: string): void {
  const target = join(outdir, 'node_modules', '@aws-sdk');
  if (existsSync(target)) return;
  mkdirSync(join(outdir, 'node_modules'), { recursive: true });
  symlinkSync(join(process.cwd(), 'node_modules', '@aws-sdk'), target, 'dir');
}

describe('one esbuild build of every deployed function', () => {
  test('the build bundles exactly the functions the stack deploys (the route table, the worker table and the authorizers), each in a folder of its own with its source map', () => {
    const bundles = synthesis().summary.functions;
    expect(Object.keys(bundles).sort()).toEqual(deployedHandlers());
    for (const folder of Object.values(bundles)) {
      expect(readdirSync(folder)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
    }
  });

  test('a function whose module is in no table is refused where it is declared, since the build would not bundle it', () => {
    const stack = new Stack(testApp({ bundle: false }), 'Stray');
    expect(() => new DatagateFunction(stack, 'Stray', { handler: 'core/http/route-handler' })).toThrow(
      /functions\/core\/http\/route-handler\.ts is in no table of deployed functions/,
    );
  });
});

describe('the bundles that deploy, run', () => {
  let api: BundledApi | undefined;
  let bundles: Record<string, string>;

  beforeAll(async () => {
    bundles = synthesis().summary.functions;
    provideRuntimeModules(synthesis().outdir);
    api = await startBundledApi(bundles);
  }, STARTUP_MS);

  afterAll(async () => {
    await stopBundledApi(api);
  });

  test('every route handler, authorizer and worker has a bundle, loaded as Lambda loads it: only the AWS SDK is there besides', () => {
    expect(Object.keys(bundles).sort()).toEqual(
      expect.arrayContaining([
        'auth/api-key-authorizer',
        'auth/person-authorizer',
        'workers/report-worker',
        'workers/archiver',
        'public/health',
      ]),
    );
    for (const folder of Object.values(bundles)) expect(existsSync(join(folder, 'index.mjs'))).toBe(true);
    // Nothing but the runtime's AWS SDK resolves from a bundle's folder: a dependency left
    // external by mistake fails to load here as it would in Lambda.
    const fromBundle = createRequire(join(bundles['public/health']!, 'index.mjs'));
    expect(() => fromBundle.resolve('zod')).toThrow();
    expect(() => fromBundle.resolve('@aws-sdk/client-api-gateway')).not.toThrow();
  });

  test(
    "the seed's flow through the bundles: org, datasource, application and key, connection, ingest, query, archive, report",
    async () => {
      const bundled = api!;
      expect((await call(bundled, 'GET', '/health')).status).toBe(200);
      expect((await call(bundled, 'GET', '/openapi.json')).body.openapi).toMatch(/^3\./);
      // The Swagger UI files copied beside the bundle that serves them.
      const css = await call(bundled, 'GET', '/docs/swagger-ui.css');
      expect({ status: css.status, type: css.headers.get('content-type') }).toEqual({
        status: 200,
        type: 'text/css; charset=utf-8',
      });

      const token = (await call(bundled, 'POST', '/local/token', { body: { email: 'ada.bundles@example.org' } })).body
        .token as string;
      const org = await call(bundled, 'POST', '/admin/orgs', { token, body: { name: 'Bundled Riverside' } });
      expect(org.status).toBe(201);
      const orgId = org.body.orgId as string;
      const datasource = await call(bundled, 'POST', `/admin/orgs/${orgId}/datasources`, {
        token,
        body: { name: 'Station Road', group: 'Centre', tags: ['traffic'], location: { lat: 51.5, lon: -0.12 } },
      });
      expect(datasource.status).toBe(201);
      const datasourceId = datasource.body.datasourceId as string;
      const created = await call(bundled, 'POST', `/admin/orgs/${orgId}/applications`, {
        token,
        body: { name: 'City Dashboard' },
      });
      expect(created.status).toBe(201);
      const applicationId = created.body.application.applicationId as string;
      const key = created.body.apiKey.key as string;
      expect(key).toMatch(/^dgk_/);
      // Not connected yet: the api-key authorizer's bundle verifies the key, the route refuses the org.
      expect((await call(bundled, 'GET', `/v2/datasources?org=${orgId}`, { key })).status).toBe(403);
      const connection = await call(bundled, 'POST', `/admin/orgs/${orgId}/connections`, {
        token,
        body: { applicationId, roles: ['technician'] },
      });
      expect(connection.status).toBe(201);

      const whoami = await call(bundled, 'GET', '/v2/whoami', { key });
      expect(whoami.status).toBe(200);
      expect(JSON.stringify(whoami.body)).toContain(applicationId);
      const listed = await call(bundled, 'GET', `/v2/datasources?org=${orgId}`, { key });
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).toContain(datasourceId);

      const now = Math.floor(Date.now() / MINUTE) * MINUTE;
      const measurements = Array.from({ length: 30 }, (_, index) => ({
        time: new Date(now - (30 - index) * MINUTE).toISOString(),
        metrics: { pm2_5ConcMass: 5 + index / 4, temperatureInternal: 20 + index / 10 },
      }));
      const ingested = await call(bundled, 'POST', `/v2/datasources/${datasourceId}/measurements`, {
        key,
        body: { org: orgId, measurements },
      });
      expect(ingested.status).toBe(202);

      const window = { startTime: new Date(now - 60 * MINUTE).toISOString(), endTime: new Date(now + MINUTE).toISOString() };
      const recent = await call(bundled, 'POST', '/v2/recent-datasource-measurements-query', {
        key,
        body: {
          org: orgId,
          format: 'csv-wide',
          outputFrequency: 'minute',
          datasourceIds: [datasourceId],
          startTime: window.startTime,
        },
      });
      expect(recent.status).toBe(200);
      const recentLines = (recent.body as string).trimEnd().split('\n');
      expect(recentLines).toHaveLength(1 + measurements.length);

      // The archiver's bundle, as its schedule runs it.
      const archived = await fetch(`${bundled.queueUrl}/run-archiver`, { method: 'POST' });
      expect(archived.status).toBe(200);

      const requested = await call(bundled, 'POST', '/v2/report-requests', {
        key,
        body: {
          org: orgId,
          report: 'datasource-measurements',
          outputFrequency: 'minute',
          datasourceIds: [datasourceId],
          ...window,
        },
      });
      expect(requested.status).toBe(200);
      const reportId = requested.body.reportId as string;
      let record: any;
      const deadline = Date.now() + 120_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const polled = await call(bundled, 'GET', `/v2/report-requests/${reportId}`, { key });
        expect(polled.status).toBe(200);
        record = polled.body;
      } while (record.reportStatus === 'in-progress' && Date.now() < deadline);
      expect(record.reportStatus).toBe('succeeded');
      const files = await Promise.all(
        (record.urls as string[]).map(async (url) => {
          const response = await fetch(url);
          expect(response.status).toBe(200);
          return (await response.text()).trimEnd().split('\n');
        }),
      );
      // The report holds what the recent query answers, row for row.
      const [header, ...rows] = [files[0]![0], ...files.flatMap((lines) => lines.slice(1))];
      expect(header).toBe(recentLines[0]);
      expect([...rows].sort()).toEqual([...recentLines.slice(1)].sort());
    },
    FLOW_MS,
  );

  test(
    'the check can fail: a bundle with a dependency left external (zod) answers 500 where its good bundle answers 200',
    async () => {
      const outdir = join(synthesis().outdir, 'broken-health');
      await build({
        ...lambdaBuildOptions({ 'broken-health': 'functions/public/health.ts' }, synthesis().outdir),
        external: [...LAMBDA_BUNDLING.external, 'zod'],
        logLevel: 'silent',
      });
      // The bundle now imports zod (zod/mini) at run time instead of carrying it.
      expect(/from\s*"zod[/"]/.test(readFileSync(join(outdir, 'index.mjs'), 'utf8'))).toBe(true);
      const broken = await startBundledApi(
        { ...bundles, 'public/health': outdir },
        { BUNDLED_API_DYNAMODB_ENDPOINT: api!.dynamoDbEndpoint, BUNDLED_API_S3_ENDPOINT: api!.s3Endpoint },
      );
      try {
        expect((await call(broken, 'GET', '/health')).status).toBe(500);
        expect(broken.output()).toMatch(/zod/);
        expect((await call(api!, 'GET', '/health')).status).toBe(200);
      } finally {
        await stopBundledApi(broken);
      }
    },
    STARTUP_MS,
  );
});
