import { LogLevel, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every Datagate function is bundled, in one place: `DatagateFunction` hands it to
 * `NodejsFunction`, and `npm run bench` builds its bundles from it, so the sizes and load times
 * the bench reports are those of the deployed code (docs/performance.md).
 */

/** Lets ESM bundles load the CommonJS dependencies that call `require`. */
const ESM_REQUIRE_SHIM = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

export const LAMBDA_BUNDLING = {
  minify: true,
  sourceMap: true,
  target: 'node24',
  format: OutputFormat.ESM,
  mainFields: ['module', 'main'],
  // The AWS SDK is bundled, not taken from the runtime: esbuild keeps only the DynamoDB client
  // code a function uses, the version is the one the lock file pins (and the tests ran against),
  // and one pre-linked file loads faster than the runtime's copy of the whole SDK.
  // Three exceptions, loaded on demand and taken from the runtime's SDK, so no bundle carries them:
  // the API Gateway client of the three admin routes that manage usage plans
  // (gateway-usage-plans.ts), the CloudWatch client of the two usage routes (usage-metrics.ts),
  // and the Secrets Manager client of the two token routes (secrets.ts, read once per 5 minutes).
  externalModules: ['@aws-sdk/client-api-gateway', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-secrets-manager'] as string[],
  banner: ESM_REQUIRE_SHIM,
  // esbuild's warnings and errors only, not a size report per function.
  logLevel: LogLevel.WARNING,
} satisfies BundlingOptions;

/** `NODE_OPTIONS` of every function: stack traces point into the TypeScript sources. */
export const LAMBDA_NODE_OPTIONS = '--enable-source-maps';
