import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FILE, LAMBDA_NODE_OPTIONS, buildLambdaBundles, deployedHandlers } from '../lib/lambda-bundling';
import { AUTHORIZERS } from '../lib/authorizers';
import { routeList } from '../functions/routes';
import { compareInterleaved } from './sampling';
import type { BenchSettings, Figures } from './cases';

/**
 * `bundle.*` and `init.*`: the API key authorizer and the largest route handler as deployed,
 * against a handler that only does one GetItem, all built by `buildLambdaBundles`, the build
 * and options the stack deploys (lib/lambda-bundling.ts), in one build as the stack makes it.
 */

const ROOT = process.cwd();
const OUT_DIR = join(ROOT, 'bench', 'build.tmp');
/** The floor's bundle folder: no handler module is named so. */
const FLOOR = 'bench-get-item-floor';

/**
 * The routes whose bundles are compared: every route (the full run), or the first `count` of the
 * route table (the smoke run, `bundleRoutes`: the case runs through, without bundling all 54
 * functions again, about 13 s of CPU that the infra suite's synthesis already spends on them).
 */
function comparedRoutes(count: number | 'all') {
  return count === 'all' ? routeList : routeList.slice(0, count);
}

/**
 * Bundles the floor and every deployed function (`bundleRoutes: 'all'`), or the API key
 * authorizer and the compared routes only; answers a bundle's file by its name (handler module or FLOOR).
 */
async function buildBundles(count: number | 'all'): Promise<(name: string) => string> {
  const entries: Record<string, string> = { [FLOOR]: 'bench/floor-handler.ts' };
  const handlers =
    count === 'all' ? deployedHandlers() : [AUTHORIZERS.apiKey.handler, ...comparedRoutes(count).map((route) => route.handler)];
  for (const handler of handlers) entries[handler] = `functions/${handler}.ts`;
  await buildLambdaBundles(entries, OUT_DIR);
  return (name) => join(OUT_DIR, name, BUNDLE_FILE);
}

/**
 * Milliseconds a fresh Node.js process, with the functions' NODE_OPTIONS, takes to import the
 * bundle (module evaluated, client created), as the child reports it: process start-up itself is
 * the same for every function and is left out.
 */
function importMillis(file: string): Promise<number> {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      // Lambda's environment, not the parent's (tsx registers its loader through NODE_OPTIONS).
      env: { PATH: process.env.PATH, NODE_OPTIONS: LAMBDA_NODE_OPTIONS, AWS_REGION: 'us-east-1', TABLE_NAME: 'datagate' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      const millis = Number(out);
      if (code === 0 && Number.isFinite(millis) && out !== '') resolve(millis);
      else reject(new Error(`importing ${file} failed (exit ${code}): ${out}`));
    });
  });
}

/** The largest compared route handler's bundle (the route whose bundle carries the most). */
function largestRouteBundle(
  bundleFile: (name: string) => string,
  count: number | 'all',
): { operationId: string; file: string; bytes: number } {
  let largest = { operationId: '', file: '', bytes: 0 };
  for (const route of comparedRoutes(count)) {
    const file = bundleFile(route.handler);
    const bytes = statSync(file).size;
    if (bytes > largest.bytes) largest = { operationId: route.operationId, file, bytes };
  }
  return largest;
}

export async function bundleCases(settings: BenchSettings): Promise<Figures> {
  const bundleFile = await buildBundles(settings.bundleRoutes);
  const authorizer = bundleFile(AUTHORIZERS.apiKey.handler);
  const floor = bundleFile(FLOOR);
  const route = largestRouteBundle(bundleFile, settings.bundleRoutes);
  const [authorizerBytes, floorBytes] = [statSync(authorizer).size, statSync(floor).size];
  const init = await compareInterleaved(
    'init.authorizerVsFloor',
    settings.initSamples,
    () => importMillis(authorizer),
    () => importMillis(floor),
  );
  const routeInit = await compareInterleaved(
    'init.maxRouteVsFloor',
    settings.initSamples,
    () => importMillis(route.file),
    () => importMillis(floor),
  );
  console.log(`  largest route bundle: ${route.operationId} (${route.bytes} bytes)`);
  return {
    // Every route handler logs and meters through defineRoute (Powertools Logger and Metrics), so
    // the largest route bundle is also the costliest handler with logging: the same measurement.
    'init.handlerWithLoggingVsFloor': routeInit.ratio,
    'bundle.authorizerVsFloor': authorizerBytes / floorBytes,
    'bundle.maxRouteVsFloor': route.bytes / floorBytes,
    'bundle.authorizerBytes': authorizerBytes,
    'bundle.maxRouteBytes': route.bytes,
    'bundle.floorBytes': floorBytes,
    'init.authorizerVsFloor': init.ratio,
    'init.maxRouteVsFloor': routeInit.ratio,
    'init.authorizerMillis': init.a,
    'init.maxRouteMillis': routeInit.a,
    'init.floorMillis': init.b,
    'init.maxRouteFloorMillis': routeInit.b,
  };
}
