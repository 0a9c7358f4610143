import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/core/http/route';
import { REPORT_RETENTION_DAYS } from '../functions/core/reports/report-limits';
import { ARCHIVER_STOP_BEFORE_TIMEOUT_SECONDS, WORKERS, type WorkerDefinition } from '../functions/workers';
import { DatagateFunction } from './datagate-function';

export interface ReportResourcesProps {
  /** The single table: report records and the archiver's state live there. */
  readonly table: dynamodb.Table;
  /**
   * Days the archive keeps measurements (`archive/` objects expire after this).
   * @default keep forever
   */
  readonly archiveRetentionDays?: number;
}

const { reportWorker: REPORT_WORKER, archiver: ARCHIVER } = WORKERS;
/** How often the archiver runs. */
export const ARCHIVER_SCHEDULE = Duration.minutes(ARCHIVER.trigger.everyMinutes);
/** How long one archiver run works: a run that used all of it did not catch up. */
export const ARCHIVER_BUDGET = Duration.seconds(ARCHIVER.timeoutSeconds - ARCHIVER_STOP_BEFORE_TIMEOUT_SECONDS);

/**
 * The archive and historical reports: one S3 bucket (`archive/` Parquet day files, `reports/`
 * report files and their parts), the scheduled archiver, and the report worker fed by an SQS
 * queue (why SQS: docs/architecture.md). The workers' functions and triggers are their rows of
 * the worker table (functions/workers/index.ts). Every function gets only what it uses.
 */
export class ReportResources extends Construct {
  readonly bucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: DatagateFunction;
  readonly archiver: DatagateFunction;

  constructor(scope: Construct, id: string, props: ReportResourcesProps) {
    super(scope, id);

    this.bucket = new s3.Bucket(this, 'DataBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'report-files',
          prefix: 'reports/',
          expiration: Duration.days(REPORT_RETENTION_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
        ...(props.archiveRetentionDays !== undefined
          ? [{ id: 'archive-retention', prefix: 'archive/', expiration: Duration.days(props.archiveRetentionDays) }]
          : []),
      ],
    });

    this.deadLetterQueue = new sqs.Queue(this, 'ReportDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const trigger = REPORT_WORKER.trigger;
    if (trigger.visibilityTimeoutSeconds <= REPORT_WORKER.timeoutSeconds)
      throw new Error('The report queue must hide a message for longer than the worker may run (functions/workers/index.ts).');
    this.queue = new sqs.Queue(this, 'ReportQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the worker may run, so a message is never delivered twice while in work.
      visibilityTimeout: Duration.seconds(trigger.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: trigger.maxReceiveCount },
    });

    const environment = { TABLE_NAME: props.table.tableName, DATA_BUCKET: this.bucket.bucketName };

    this.worker = this.workerFunction(REPORT_WORKER, { ...environment, REPORT_QUEUE_URL: this.queue.queueUrl });
    this.worker.fn.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: trigger.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: trigger.maxConcurrency,
      }),
    );
    props.table.grantReadData(this.worker);
    this.grantItemWrites(this.worker, props.table, ['REPORT#*']);
    this.grantObjects(this.worker, ['s3:GetObject'], 'archive/*', { list: true });
    this.grantObjects(this.worker, ['s3:GetObject', 's3:PutObject'], 'reports/*');
    this.queue.grantSendMessages(this.worker);

    this.archiver = this.workerFunction(ARCHIVER, environment);
    props.table.grantReadData(this.archiver);
    this.grantItemWrites(this.archiver, props.table, ['ARCHIVE']);
    this.grantObjects(this.archiver, ['s3:GetObject', 's3:PutObject'], 'archive/*', { list: true });
    new events.Rule(this, 'ArchiverSchedule', {
      description: 'Runs the archiver.',
      schedule: events.Schedule.rate(ARCHIVER_SCHEDULE),
      targets: [new targets.LambdaFunction(this.archiver.fn, { retryAttempts: 0 })],
    });
  }

  /** A worker's function, as its row of the worker table says. */
  private workerFunction(worker: WorkerDefinition, environment: Record<string, string>): DatagateFunction {
    return new DatagateFunction(this, worker.name, {
      handler: worker.handler,
      description: worker.description,
      memorySize: worker.memorySize,
      timeout: Duration.seconds(worker.timeoutSeconds),
      environment,
    });
  }

  /** What a report route needs: sending to the queue (request), reading report files to sign links (poll). */
  grantRoute(route: RouteDefinition, handler: DatagateFunction): Record<string, string> {
    if (route.reports === 'request') {
      this.queue.grantSendMessages(handler);
      return { REPORT_QUEUE_URL: this.queue.queueUrl, DATA_BUCKET: this.bucket.bucketName };
    }
    if (route.reports === 'poll') {
      // A pre-signed link carries the signer's rights: the poll function may read report files, nothing else.
      this.grantObjects(handler, ['s3:GetObject'], 'reports/*');
      return { DATA_BUCKET: this.bucket.bucketName };
    }
    return {};
  }

  /**
   * Object actions under one prefix; with `list`, also listing, which readers of the archive need:
   * without it S3 answers a missing day file (a day without data) 403 instead of 404.
   */
  private grantObjects(grantee: DatagateFunction, actions: string[], prefix: string, { list = false } = {}): void {
    grantee.fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: [this.bucket.arnForObjects(prefix)] }));
    if (list)
      grantee.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
  }

  /** Writes only to items whose partition key matches one of `leadingKeys`. */
  private grantItemWrites(grantee: DatagateFunction, table: dynamodb.Table, leadingKeys: string[]): void {
    grantee.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys } },
      }),
    );
  }
}
