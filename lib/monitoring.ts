import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  DIMENSION,
  METRIC,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  VERIFICATION_OUTCOMES,
  type ApiArea,
} from '../functions/core/observability/metric-names';

/** Alarm thresholds; every alarm and its action is explained in docs/operations.md. */
export const ALARM_THRESHOLDS = {
  /** Share of requests answered 5xx (API Gateway's 5XXError average) over 5 minutes. */
  serverErrorRate: 0.01,
  /** p99 of handler latency, milliseconds, per API. */
  p99LatencyMs: { v2: 1500, admin: 2000 } satisfies Partial<Record<ApiArea, number>>,
  /** Authorizer failures (errors, not refusals) in 5 minutes. */
  authorizerFailures: 1,
  /** Lambda errors (crashes, timeouts) in 5 minutes, summed over the functions of a group. */
  lambdaErrors: 1,
  /** Lambda throttles in 5 minutes, summed over the functions of a group. */
  lambdaThrottles: 1,
  /** DynamoDB throttle events (table and indexes) in 5 minutes. */
  dynamoThrottles: 1,
  /** DynamoDB system errors in 5 minutes. */
  dynamoSystemErrors: 1,
  /** Requests WAF blocked in 5 minutes. */
  wafBlocks: 500,
  /** Messages in the report dead-letter queue (reports whose work failed for good). */
  reportDeadLetters: 1,
  /** Consecutive 10-minute periods in which the archiver failed, did not run, or ran out of budget. */
  archiverLagPeriods: 3,
} as const;

/** A CloudWatch alarm can combine at most 10 metrics; per-function metrics are summed in groups this size. */
const METRICS_PER_ALARM = 10;
const PERIOD = Duration.minutes(5);

/** One route function, by the operation id of its route. */
export interface MonitoredFunction {
  readonly name: string;
  readonly fn: lambda.IFunction;
}

export interface DatagateMonitoringProps {
  readonly api: apigateway.RestApi;
  /** The route functions (handled 500s are counted by the ServerErrors metric, crashes here). */
  readonly routeFunctions: MonitoredFunction[];
  /** The authorizers: a refusal is a Lambda error too, so only their throttles are alarmed here. */
  readonly authorizerFunctions: MonitoredFunction[];
  readonly table: dynamodb.Table;
  /** Global secondary index names of the table. */
  readonly indexNames: string[];
  /** The `WebACL` dimension of the web ACL's metrics. */
  readonly webAclMetricName: string;
  /** An address that receives every alarm (it must confirm the subscription). */
  readonly alarmEmail?: string;
  /** The report worker's dead-letter queue and the scheduled archiver, for their own alarms. */
  readonly reports?: {
    readonly deadLetterQueue: sqs.IQueue;
    readonly archiver: lambda.IFunction;
    /** How often the archiver's schedule runs it. */
    readonly archiverSchedule: Duration;
    /** How long one run works before it stops starting new batches (a run that used all of it did not catch up). */
    readonly archiverBudget: Duration;
  };
}

/**
 * What an operator watches: alarms on the API's health, the functions, the table and WAF, all
 * publishing to one SNS topic, and one dashboard. Alarms are aggregate (per API, per table, per
 * group of functions) so their number does not grow with the routes: a CloudFormation stack
 * holds at most 500 resources.
 */
export class DatagateMonitoring extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: DatagateMonitoringProps) {
    super(scope, id);
    const stage = props.api.deploymentStage;

    // Encrypted with a key of our own: CloudWatch cannot publish to a topic under the AWS managed SNS key.
    const key = new kms.Key(this, 'TopicKey', {
      description: 'Encrypts the Datagate alarm topic.',
      enableKeyRotation: true,
    });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Datagate alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) {
      const subscription = new sns.Subscription(this, 'AlarmEmail', {
        topic: this.topic,
        protocol: sns.SubscriptionProtocol.EMAIL,
        endpoint: props.alarmEmail,
      });
      Validations.of(subscription).acknowledge({
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason:
          'An email subscription: SNS retries delivery itself, and an alarm that could not be mailed stays in ALARM on the dashboard; a dead-letter queue of undelivered alarm mails would have no reader.',
      });
    }

    const serverErrorRate = stage.metricServerError({ statistic: 'Average', period: PERIOD, label: '5xx rate' });
    this.alarm('ServerErrorRate', serverErrorRate, ALARM_THRESHOLDS.serverErrorRate, {
      description: 'More than 1% of API requests answered 5xx over 5 minutes (docs/operations.md#servererrorrate).',
      evaluationPeriods: 1,
    });

    const latency = (api: ApiArea) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: METRIC.latency,
        dimensionsMap: { [DIMENSION.service]: METRICS_SERVICE, [DIMENSION.api]: api },
        statistic: 'p99',
        period: PERIOD,
        label: `/${api} p99 (ms)`,
      });
    for (const api of ['v2', 'admin'] as const) {
      this.alarm(`${api === 'v2' ? 'V2' : 'Admin'}LatencyP99`, latency(api), ALARM_THRESHOLDS.p99LatencyMs[api], {
        description: `p99 latency of /${api} handlers over ${ALARM_THRESHOLDS.p99LatencyMs[api]} ms for 15 minutes (docs/operations.md#latencyp99).`,
        evaluationPeriods: 3,
      });
    }

    const authorizerFailures = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: METRIC.authorizerFailures,
      dimensionsMap: { [DIMENSION.service]: METRICS_SERVICE },
      statistic: 'Sum',
      period: PERIOD,
      label: 'authorizer failures',
    });
    this.alarm('AuthorizerFailures', authorizerFailures, ALARM_THRESHOLDS.authorizerFailures, {
      description: 'An authorizer failed (an error, not a refused credential) (docs/operations.md#authorizerfailures).',
      evaluationPeriods: 1,
    });

    const lambdaSums = (metricName: 'Errors' | 'Throttles', functions: MonitoredFunction[]) =>
      chunk(functions, METRICS_PER_ALARM).map(
        (group, index) =>
          new cloudwatch.MathExpression({
            expression: group.map((_, i) => `m${i}`).join(' + '),
            usingMetrics: Object.fromEntries(
              group.map(({ fn }, i) => [`m${i}`, fn.metric(metricName, { statistic: 'Sum', period: PERIOD })]),
            ),
            period: PERIOD,
            label: `${metricName} of functions ${index * METRICS_PER_ALARM + 1}-${index * METRICS_PER_ALARM + group.length}`,
          }),
      );
    lambdaSums('Errors', props.routeFunctions).forEach((sum, index) =>
      this.alarm(`LambdaErrors${index + 1}`, sum, ALARM_THRESHOLDS.lambdaErrors, {
        description: `A route function crashed or timed out (group ${index + 1}) (docs/operations.md#lambdaerrors).`,
        evaluationPeriods: 1,
      }),
    );
    const allFunctions = [...props.authorizerFunctions, ...props.routeFunctions];
    lambdaSums('Throttles', allFunctions).forEach((sum, index) =>
      this.alarm(`LambdaThrottles${index + 1}`, sum, ALARM_THRESHOLDS.lambdaThrottles, {
        description: `Lambda throttled a function (group ${index + 1}) (docs/operations.md#lambdathrottles).`,
        evaluationPeriods: 1,
      }),
    );

    const tableName = props.table.tableName;
    const dynamoMetric = (metricName: string, dimensions: Record<string, string>) =>
      new cloudwatch.Metric({
        namespace: 'AWS/DynamoDB',
        metricName,
        dimensionsMap: dimensions,
        statistic: 'Sum',
        period: PERIOD,
      });
    const throttleMetrics: cloudwatch.IMetric[] = [];
    for (const dimensions of [
      { TableName: tableName },
      ...props.indexNames.map((index) => ({ TableName: tableName, GlobalSecondaryIndexName: index })),
    ]) {
      throttleMetrics.push(dynamoMetric('ReadThrottleEvents', dimensions), dynamoMetric('WriteThrottleEvents', dimensions));
    }
    const dynamoThrottles = new cloudwatch.MathExpression({
      expression: throttleMetrics.map((_, i) => `t${i}`).join(' + '),
      usingMetrics: Object.fromEntries(throttleMetrics.map((metric, i) => [`t${i}`, metric])),
      period: PERIOD,
      label: 'DynamoDB throttle events',
    });
    this.alarm('DynamoDbThrottles', dynamoThrottles, ALARM_THRESHOLDS.dynamoThrottles, {
      description: 'DynamoDB throttled reads or writes of the table or an index (docs/operations.md#dynamodbthrottles).',
      evaluationPeriods: 1,
    });
    const dynamoSystemErrors = props.table.metricSystemErrorsForOperations({
      operations: DYNAMODB_OPERATIONS,
      period: PERIOD,
      label: 'DynamoDB system errors',
    });
    this.alarm('DynamoDbSystemErrors', dynamoSystemErrors, ALARM_THRESHOLDS.dynamoSystemErrors, {
      description: 'DynamoDB answered requests with a 500 (docs/operations.md#dynamodbsystemerrors).',
      evaluationPeriods: 1,
    });

    const waf = (metricName: string, rule = 'ALL') =>
      new cloudwatch.Metric({
        namespace: 'AWS/WAFV2',
        metricName,
        dimensionsMap: { WebACL: props.webAclMetricName, Region: Stack.of(this).region, Rule: rule },
        statistic: 'Sum',
        period: PERIOD,
        label: `WAF ${metricName}`,
      });
    this.alarm('WafBlocks', waf('BlockedRequests'), ALARM_THRESHOLDS.wafBlocks, {
      description:
        'WAF blocked many requests in 5 minutes: an attack, or a rule refusing real clients (docs/operations.md#wafblocks).',
      evaluationPeriods: 1,
    });

    if (props.reports) this.reportAlarms(props.reports);

    this.dashboard = this.createDashboard(props, { latency, waf, dynamoThrottles, dynamoSystemErrors, authorizerFailures });
  }

  /**
   * `ReportDeadLetters`: a report message the worker gave up on. `ArchiverLag`: for 30 minutes,
   * every run of the archiver failed, or none ran (the schedule stopped), or each used its whole
   * budget (it is not catching up with the receipts); the archive, and so reports, fall behind.
   */
  private reportAlarms(reports: NonNullable<DatagateMonitoringProps['reports']>): void {
    const deadLetters = reports.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period: PERIOD,
      label: 'report dead letters',
    });
    this.alarm('ReportDeadLetters', deadLetters, ALARM_THRESHOLDS.reportDeadLetters, {
      description:
        'A report task failed for good: its message is in the dead-letter queue (docs/operations.md#reportdeadletters).',
      evaluationPeriods: 1,
    });

    const period = reports.archiverSchedule;
    const budgetMs = reports.archiverBudget.toMilliseconds();
    const archiverLag = new cloudwatch.MathExpression({
      // 1 for a period in which the archiver failed, did not run, or ran out of its budget.
      expression: `IF(FILL(errors, 0) > 0 OR FILL(runs, 0) < 1 OR FILL(shortest, 0) >= ${budgetMs}, 1, 0)`,
      usingMetrics: {
        errors: reports.archiver.metricErrors({ statistic: 'Sum', period }),
        runs: reports.archiver.metricInvocations({ statistic: 'Sum', period }),
        shortest: reports.archiver.metricDuration({ statistic: 'Minimum', period }),
      },
      period,
      label: 'archiver behind (1)',
    });
    this.alarm('ArchiverLag', archiverLag, 1, {
      description: `The archiver failed, did not run, or could not catch up in each of ${ALARM_THRESHOLDS.archiverLagPeriods} runs in a row (docs/operations.md#archiverlag).`,
      evaluationPeriods: ALARM_THRESHOLDS.archiverLagPeriods,
      // No data at all means no run at all: the schedule stopped.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: { description: string; evaluationPeriods: number; treatMissingData?: cloudwatch.TreatMissingData },
  ): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No traffic is not a failure.
      treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.topic));
    alarm.addOkAction(new cloudwatchActions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }

  private createDashboard(
    props: DatagateMonitoringProps,
    metrics: {
      latency: (api: ApiArea) => cloudwatch.Metric;
      waf: (metricName: string, rule?: string) => cloudwatch.Metric;
      dynamoThrottles: cloudwatch.IMetric;
      dynamoSystemErrors: cloudwatch.IMetric;
      authorizerFailures: cloudwatch.IMetric;
    },
  ): cloudwatch.Dashboard {
    const stage = props.api.deploymentStage;
    const custom = (metricName: string, dimensions: Record<string, string> = {}, label?: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { [DIMENSION.service]: METRICS_SERVICE, ...dimensions },
        statistic: 'Sum',
        period: PERIOD,
        label,
      });
    const perFunction = (metricName: string, functions: MonitoredFunction[], statistic = 'Sum') =>
      functions.map(({ name, fn }) => fn.metric(metricName, { statistic, period: PERIOD, label: name }));
    const width = 12;
    const graph = (title: string, left: cloudwatch.IMetric[], right?: cloudwatch.IMetric[]) =>
      new cloudwatch.GraphWidget({ title, left, right, width, height: 6 });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(6) });
    dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }));
    dashboard.addWidgets(
      graph(
        'API requests and errors',
        [stage.metricCount({ period: PERIOD, label: 'requests' })],
        [
          stage.metricClientError({ period: PERIOD, label: '4xx', statistic: 'Sum' }),
          stage.metricServerError({ period: PERIOD, label: '5xx', statistic: 'Sum' }),
        ],
      ),
      graph('Latency (ms)', [
        stage.metricLatency({ period: PERIOD, statistic: 'p99', label: 'gateway p99' }),
        metrics.latency('v2'),
        metrics.latency('admin'),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Verifications of API keys by outcome',
        VERIFICATION_OUTCOMES.map((outcome) => custom(METRIC.verifications, { [DIMENSION.outcome]: outcome }, outcome)),
        [metrics.authorizerFailures],
      ),
      graph(
        'Data API activity',
        [custom(METRIC.measurementsIngested, { [DIMENSION.api]: 'v2' }, 'measurements ingested')],
        [
          custom(METRIC.grantsRefused, { [DIMENSION.api]: 'v2' }, 'grants refused'),
          custom(METRIC.continuationTokensIssued, { [DIMENSION.api]: 'v2' }, 'continuation tokens issued'),
          custom(METRIC.continuationTokensRefused, { [DIMENSION.api]: 'v2' }, 'continuation tokens refused'),
        ],
      ),
    );
    const allFunctions = [...props.authorizerFunctions, ...props.routeFunctions];
    dashboard.addWidgets(
      graph('Lambda errors (route functions)', perFunction('Errors', props.routeFunctions)),
      graph('Lambda throttles', perFunction('Throttles', allFunctions)),
    );
    dashboard.addWidgets(
      graph('Lambda duration p99 (ms)', perFunction('Duration', allFunctions, 'p99')),
      graph('Lambda concurrent executions', perFunction('ConcurrentExecutions', allFunctions, 'Maximum')),
    );
    dashboard.addWidgets(
      graph(
        'DynamoDB consumed capacity',
        [
          props.table.metricConsumedReadCapacityUnits({ period: PERIOD, label: 'read units' }),
          props.table.metricConsumedWriteCapacityUnits({ period: PERIOD, label: 'write units' }),
        ],
        [metrics.dynamoThrottles, metrics.dynamoSystemErrors],
      ),
      graph('WAF', [metrics.waf('AllowedRequests'), metrics.waf('BlockedRequests')]),
    );
    return dashboard;
  }
}

/** The table operations Datagate's functions use (DynamoDB reports system errors per operation). */
const DYNAMODB_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_GET_ITEMS,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

function chunk<T>(items: T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let start = 0; start < items.length; start += size) groups.push(items.slice(start, start + size));
  return groups;
}
