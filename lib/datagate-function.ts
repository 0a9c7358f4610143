import { copyFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { AssetHashType, Duration, RemovalPolicy, Validations, type ILocalBundling } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_FILE, LAMBDA_NODE_OPTIONS, PROJECT_ROOT, deployedHandlers, functionBundles } from './lambda-bundling';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from '../functions/core/platform/limits';

const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'functions');

export interface DatagateFunctionProps {
  /**
   * Module under `functions/`, without extension, that exports `handler`
   * (for example `public/health`, as in the route table).
   */
  readonly handler: string;

  /** Environment variables of the function, besides `NODE_OPTIONS`, which is always set. */
  readonly environment?: Record<string, string>;

  /**
   * Memory in MB; CPU grows with it.
   * @default 256
   */
  readonly memorySize?: number;

  /** Shown in the Lambda console. */
  readonly description?: string;

  /**
   * How long one invocation may run.
   * @default 10 seconds (API routes)
   */
  readonly timeout?: Duration;

  /**
   * Files (paths relative to the repository root) copied beside the bundle, for a function that
   * reads them at run time.
   * @default none
   */
  readonly files?: readonly string[];
}

/**
 * A Datagate Lambda function: one TypeScript module under `functions/`, bundled locally by
 * esbuild into an ESM file for the newest Lambda Node.js runtime (24) on Graviton, with X-Ray
 * tracing, source maps, a log group kept one month and an execution role of its own that may
 * write to that log group only (no AWS managed policy). Every function of the stack (route
 * handlers, workers and authorizers) is one of these, so the defaults live here only (bundling:
 * `lambda-bundling.ts`, shared with the bench). The bundles of all functions come from one
 * esbuild build per synthesis (`functionBundles`); each function's asset receives its own.
 */
export class DatagateFunction extends Construct implements iam.IGrantable {
  /** The Lambda function, for integrations, authorizers and grants. */
  readonly fn: lambda.Function;

  /** Where the function logs; destroyed with the stack. */
  readonly logGroup: logs.LogGroup;

  /** The module under `functions/` it runs (`props.handler`). */
  readonly handlerModule: string;

  constructor(scope: Construct, id: string, props: DatagateFunctionProps) {
    super(scope, id);
    this.handlerModule = props.handler;

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Instead of AWSLambdaBasicExecutionRole (logs:* on every log group of the account): the
    // function's own log group only. Grants (table, secrets) add to this role's default policy.
    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      inlinePolicies: {
        Logs: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              resources: [this.logGroup.logGroupArn],
            }),
          ],
        }),
      },
    });

    if (!deployedHandlers().includes(props.handler)) {
      throw new Error(
        `functions/${props.handler}.ts is in no table of deployed functions (the route table, the worker table, lib/authorizers.ts), so it is not bundled (lib/lambda-bundling.ts).`,
      );
    }

    const runtime = lambda.Runtime.NODEJS_24_X;
    this.fn = new lambda.Function(this, 'Function', {
      code: lambda.Code.fromAsset(FUNCTIONS_DIR, {
        // The hash of the bundle, not of the sources: a change that leaves the bundle as it was
        // does not update the function.
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never pulled: the local bundling below always answers (or throws esbuild's error).
          image: runtime.bundlingImage,
          local: new FunctionBundle(props.handler, props.files ?? []),
        },
      }),
      handler: `${path.basename(BUNDLE_FILE, path.extname(BUNDLE_FILE))}.handler`,
      runtime,
      role,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(DEFAULT_FUNCTION_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      description: props.description,
      environment: { ...props.environment, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
    });

    Validations.of(role).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason:
        'Active tracing adds xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permission, so their resource is "*".',
    });
  }

  get grantPrincipal(): iam.IPrincipal {
    return this.fn.grantPrincipal;
  }
}

/**
 * Fills a function's asset folder, when CDK stages it, from the build of every function: the
 * bundle and its source map, and `files` copied beside them. CDK skips this for a stack it does
 * not bundle (`cdk synth OtherStack`, a test app with bundling off). Its fields are part of CDK's
 * cache key of the asset, so two functions never share one, while the same function in another
 * stack of the same synthesis does.
 */
class FunctionBundle implements ILocalBundling {
  constructor(
    readonly handler: string,
    readonly files: readonly string[],
  ) {}

  tryBundle(outputDir: string): boolean {
    const bundle = functionBundles().get(this.handler);
    if (!bundle) throw new Error(`No bundle of functions/${this.handler}.ts was built.`);
    for (const file of bundle) {
      writeFileSync(path.join(outputDir, path.basename(file.path)), file.contents);
    }
    for (const file of this.files) copyFileSync(path.join(PROJECT_ROOT, file), path.join(outputDir, path.basename(file)));
    return true;
  }
}
