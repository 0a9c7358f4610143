import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from '../lib/lambda-bundling';
import { AUTHORIZERS } from '../lib/authorizers';
import { routeList } from '../functions/routes';
import { compareInterleaved } from './sampling';
import type { BenchSettings, Figures } from './cases';

/**
 * `bundle.*` and `init.*`: the API key authorizer and the largest route handler as deployed,
 * against a handler that only does one GetItem, all built from `LAMBDA_BUNDLING` (the settings
 * `DatagateFunction` deploys with) and translated to esbuild's options exactly as
 * `NodejsFunction` translates them.
 */

const ROOT = process.cwd();
const OUT_DIR = join(ROOT, 'bench', 'build.tmp');

/** esbuild options equal to what `NodejsFunction` runs for `LAMBDA_BUNDLING`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  const { minify, sourceMap, target, format, mainFields, externalModules, banner, logLevel, ...rest } = LAMBDA_BUNDLING;
  // A setting added to LAMBDA_BUNDLING and not translated here fails the type check.
  const untranslated: Record<string, never> = rest;
  void untranslated;
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target,
    format,
    minify,
    sourcemap: sourceMap,
    external: externalModules,
    mainFields,
    banner: { js: banner },
    logLevel,
  };
}

async function bundle(name: string, entry: string): Promise<string> {
  // NodejsFunction names an ESM bundle index.mjs.
  const outfile = join(OUT_DIR, name, 'index.mjs');
  await build(esbuildOptions(join(ROOT, entry), outfile));
  return outfile;
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

/** Every route handler's bundle, and the largest one (the route whose bundle carries the most). */
async function largestRouteBundle(): Promise<{ operationId: string; file: string; bytes: number }> {
  let largest = { operationId: '', file: '', bytes: 0 };
  for (const route of routeList) {
    const file = await bundle(`route-${route.operationId}`, `functions/${route.handler}.ts`);
    const bytes = statSync(file).size;
    if (bytes > largest.bytes) largest = { operationId: route.operationId, file, bytes };
  }
  return largest;
}

export async function bundleCases(settings: BenchSettings): Promise<Figures> {
  const authorizer = await bundle('api-key-authorizer', `functions/${AUTHORIZERS.apiKey.handler}.ts`);
  const floor = await bundle('get-item-floor', 'bench/floor-handler.ts');
  const route = await largestRouteBundle();
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
