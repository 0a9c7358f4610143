import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, type ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from './lambda-bundling';
import { DEFAULT_FUNCTION_TIMEOUT_SECONDS } from '../functions/core/platform/limits';

/**
 * Paths are resolved from the working directory, which is the repository root both when the
 * CDK app runs (`cdk synth`, ESM through tsx) and when Jest runs (CommonJS through SWC), so
 * neither `import.meta` nor `__dirname` is needed.
 */
const PROJECT_ROOT = process.cwd();
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
 * write to that log group only (no AWS managed policy). Every function of the stack (route handlers and authorizers) is one
 * of these, so the defaults live here only (bundling: `lambda-bundling.ts`, shared with the bench).
 */
export class DatagateFunction extends Construct implements iam.IGrantable {
  /** The Lambda function, for integrations, authorizers and grants. */
  readonly fn: NodejsFunction;

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

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(FUNCTIONS_DIR, `${props.handler}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      role,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(DEFAULT_FUNCTION_TIMEOUT_SECONDS),
      tracing: lambda.Tracing.ACTIVE,
      logGroup: this.logGroup,
      description: props.description,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: LAMBDA_NODE_OPTIONS },
      bundling: props.files?.length ? { ...LAMBDA_BUNDLING, commandHooks: copyFiles(props.files) } : LAMBDA_BUNDLING,
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

/** Bundling hooks that copy files from the project into the bundle's folder. */
function copyFiles(files: readonly string[]): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) =>
      files.map((file) => `cp "${path.posix.join(inputDir, file)}" "${path.posix.join(outputDir, path.basename(file))}"`),
  };
}
