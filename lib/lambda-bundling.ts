import * as path from 'node:path';
import { build, buildSync, type BuildOptions, type BuildResult, type OutputFile } from 'esbuild';
import { routeList } from '../functions/routes';
import { workerList } from '../functions/workers';
import { AUTHORIZERS } from './authorizers';

/**
 * How every Datagate function is bundled, in one place: the stack bundles every function in ONE
 * esbuild build (`functionBundles`, read by `DatagateFunction`), and `npm run bench` builds its
 * bundles with the same options (`buildLambdaBundles`), so the sizes and load times the bench
 * reports are those of the deployed code (docs/performance.md).
 */

/** Lets ESM bundles load the CommonJS dependencies that call `require`. */
const ESM_REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * Paths are resolved from the working directory, which is the repository root both when the
 * CDK app runs (`cdk synth`, ESM through tsx) and when Jest runs (CommonJS through SWC), so
 * neither `import.meta` nor `__dirname` is needed.
 */
export const PROJECT_ROOT = process.cwd();

/** The bundle of a function is this file in its folder, exporting `handler` (Lambda's handler `index.handler`). */
export const BUNDLE_FILE = 'index.mjs';

/** esbuild's options of every Lambda bundle, besides its entry points and output folder. */
export const LAMBDA_BUNDLING = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  // The AWS SDK is bundled, not taken from the runtime: esbuild keeps only the DynamoDB client
  // code a function uses, the version is the one the lock file pins (and the tests ran against),
  // and one pre-linked file loads faster than the runtime's copy of the whole SDK.
  // Three exceptions, loaded on demand and taken from the runtime's SDK, so no bundle carries them:
  // the API Gateway client of the three admin routes that manage usage plans
  // (gateway-usage-plans.ts), the CloudWatch client of the two usage routes (usage-metrics.ts),
  // and the Secrets Manager client of the two token routes (secrets.ts, read once per 5 minutes).
  external: ['@aws-sdk/client-api-gateway', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-secrets-manager'],
  banner: { js: ESM_REQUIRE_SHIM },
  outExtension: { '.js': path.extname(BUNDLE_FILE) },
  // Each bundle is self-contained: a Lambda function gets its own folder and nothing else.
  splitting: false,
  // esbuild's warnings and errors only, not a size report per function.
  logLevel: 'warning',
} satisfies BuildOptions;

/** `NODE_OPTIONS` of every function: stack traces point into the TypeScript sources. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';

/**
 * esbuild's options for bundling several functions at once: `entries` maps a bundle's name (its
 * folder under `outdir`) to its entry module, relative to the repository root. Entry points
 * share one parse of every module (the AWS SDK, zod, Powertools) instead of one per function.
 */
export function lambdaBuildOptions(entries: Readonly<Record<string, string>>, outdir: string): BuildOptions {
  const stem = path.basename(BUNDLE_FILE, path.extname(BUNDLE_FILE));
  return {
    ...LAMBDA_BUNDLING,
    entryPoints: Object.fromEntries(
      Object.entries(entries).map(([name, entry]) => [`${name}/${stem}`, path.join(PROJECT_ROOT, entry)]),
    ),
    outdir,
  };
}

/** Builds and writes the bundles of `entries` (see `lambdaBuildOptions`), each as `outdir/<name>/index.mjs` with its source map. */
export async function buildLambdaBundles(entries: Readonly<Record<string, string>>, outdir: string): Promise<BuildResult> {
  return build(lambdaBuildOptions(entries, outdir));
}

/**
 * Every module under `functions/` that the stack deploys as a function, from the tables that
 * create them: the route table, the worker table and the authorizers. A row added to any of
 * them is bundled with the others.
 */
export function deployedHandlers(): string[] {
  const handlers = [
    ...routeList.map((route) => route.handler),
    ...workerList.map((worker) => worker.handler),
    ...Object.values(AUTHORIZERS).map((authorizer) => authorizer.handler),
  ];
  return [...new Set(handlers)].sort();
}

/**
 * Where the stack's bundles would be written. They are kept in memory instead (each function's
 * asset receives its own files), but esbuild names each source in a source map relative to this
 * folder, so a bundle's bytes, and its asset hash, do not depend on where the cloud assembly is.
 */
const BUNDLES_DIR = path.join(PROJECT_ROOT, 'cdk.out', 'functions');

let bundles: Map<string, readonly OutputFile[]> | undefined;

/**
 * The bundle of every deployed function (`deployedHandlers`), by handler module: its output
 * files, named relative to the bundle's folder. One esbuild build, made on first call and kept
 * for the process, so a synthesis bundles once however many functions and stacks it has; the
 * build is synchronous because constructs stage their assets while they are constructed.
 */
export function functionBundles(): ReadonlyMap<string, readonly OutputFile[]> {
  if (bundles) return bundles;
  const handlers = deployedHandlers();
  const entries = Object.fromEntries(handlers.map((handler) => [handler, path.join('functions', `${handler}.ts`)]));
  const result = buildSync({ ...lambdaBuildOptions(entries, BUNDLES_DIR), write: false });
  const byHandler = new Map<string, OutputFile[]>(handlers.map((handler) => [handler, []]));
  for (const file of result.outputFiles) {
    const handler = path.relative(BUNDLES_DIR, path.dirname(file.path)).split(path.sep).join('/');
    const files = byHandler.get(handler);
    if (!files) throw new Error(`esbuild wrote ${file.path}, outside the folder of any function.`);
    files.push(file);
  }
  bundles = byHandler;
  return bundles;
}
