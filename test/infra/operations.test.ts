import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { TABLE_SCHEMA } from '../../functions/core/store/table-schema';
import { routeList } from '../../functions/routes';
import { AUTHORIZERS } from '../../lib/authorizers';
import { ALARM_THRESHOLDS } from '../../lib/monitoring';
import { MAX_STACK_RESOURCES, ROUTE_AREAS, ROUTE_RESOURCE_COST } from '../../lib/route-areas';
import { addNagChecks } from '../../lib/nag-acknowledgments';
import { CLOUDFRONT_ORIGIN_HEADER, OVERSIZED_BODY_LABEL, WEB_ACL_RULES } from '../../lib/web-acl';
import { cdkJsonContext, testApp } from '../support/cdk-app';
import { API_DOMAIN as DOMAIN, LIMIT_DEFAULTS } from '../support/synth-configurations';
import { useSynthesis } from '../support/synthesis';
import { ownFunctions } from '../support/template-functions';

/**
 * What an operator gets from the stack: cdk-nag findings, WAF, alarms, dashboard, access logs
 * and the custom domain. Read from the run's one synthesis (test/support/synthesis.ts): `ops`
 * is the configuration with an alarm email and a custom domain, `external` the one with every
 * other setting away from its default.
 */

// CloudFormation JSON is untyped; these tests read it structurally.
type Json = any;

const synthesis = useSynthesis();

/** Logical ids referenced (Ref or GetAtt) anywhere inside a value. */
function referencedIds(value: Json, found = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') found.add(value.Ref);
    if (Array.isArray(value['Fn::GetAtt'])) found.add(value['Fn::GetAtt'][0]);
    for (const child of Object.values(value)) referencedIds(child, found);
  }
  return found;
}

describe('cdk-nag (AwsSolutions and Serverless packs)', () => {
  test('every configuration (a user pool; a custom domain and an alarm email; an external issuer with the account logging role left alone), route stacks included, has no unacknowledged finding', () => {
    expect(synthesis().summary.violations).toEqual([]);
  });

  test('the checks are live: a topic that accepts plain HTTP fails synthesis', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'datagate-nag-'));
    try {
      const app = testApp({ bundle: false, outdir });
      new sns.Topic(new Stack(app, 'Datagate'), 'PlainTopic');
      addNagChecks(app);
      expect(() => app.synth()).toThrow();
      const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
      const violations = report.pluginReports.flatMap((plugin: Json) =>
        plugin.violations.flatMap((violation: Json) =>
          violation.violatingConstructs.map((construct: Json) => `${violation.ruleName} at ${construct.constructPath}`),
        ),
      );
      expect(violations).toContainEqual(expect.stringMatching(/^AwsSolutions-SNS3 at Datagate\/PlainTopic/));
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('API reference page in Lambda', () => {
  test('the Swagger UI files are copied beside the bundle of the function that serves them', () => {
    const bundle = synthesis().summary.functions['public/api-reference-asset'];
    expect(bundle).toBeDefined();
    expect(existsSync(bundle!)).toBe(true);
    expect(readdirSync(bundle!).sort()).toEqual(expect.arrayContaining(['index.mjs', 'swagger-ui-bundle.js', 'swagger-ui.css']));
  });
});

describe('Datagate stack: operations', () => {
  let template: Template;
  let resources: Record<string, Json>;

  beforeAll(() => {
    template = synthesis().template('ops');
    resources = template.toJSON().Resources;
  });

  test("every stack stays within CloudFormation's 500 resources with room for 10 more routes, and under 300", () => {
    // The flattened template above merges the route stacks in; CloudFormation counts per stack.
    const { stackName, template: application, nested } = synthesis().stacks('ops');
    const sizes = {
      [stackName]: Object.keys(application.Resources).length,
      ...Object.fromEntries(Object.entries(nested).map(([area, json]) => [area, Object.keys(json.Resources).length])),
    };
    expect(Object.keys(sizes)).toHaveLength(1 + Object.keys(ROUTE_AREAS).length);
    for (const [stack, size] of Object.entries(sizes)) {
      // Ten more routes in one stack (as if they all landed in it) still fit CloudFormation's 500,
      // and every stack stays under MAX_STACK_RESOURCES (300), room to split an area.
      expect({ stack, roomForTenRoutes: size + 10 * ROUTE_RESOURCE_COST <= 500 }).toEqual({ stack, roomForTenRoutes: true });
      expect({ stack, underMax: size < MAX_STACK_RESOURCES }).toEqual({ stack, underMax: true });
    }
  });

  test('the table cannot be deleted by a stack operation', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  test('every recommended CDK feature flag of the installed aws-cdk-lib is set in cdk.json', () => {
    const recommended = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/recommended-feature-flags.json'), 'utf8'));
    expect(cdkJsonContext()).toMatchObject(recommended);
  });

  test('no function role uses an AWS managed policy, and each may write only to its own log group', () => {
    const functions: Record<string, Json> = ownFunctions(template);
    const roles: Record<string, Json> = template.findResources('AWS::IAM::Role');
    for (const fn of Object.values(functions)) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0];
      const role = roles[roleId].Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      const logStatements = role.Policies.flatMap((policy: Json) => policy.PolicyDocument.Statement);
      expect(logStatements).toEqual([
        expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow' }),
      ]);
      expect([...referencedIds(logStatements[0].Resource)]).toEqual([fn.Properties.LoggingConfig.LogGroup.Ref]);
    }
  });

  describe('access and execution logs', () => {
    test('the stage writes one JSON access-log line per request, with the caller ids and no credential', () => {
      const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties;
      const format = JSON.parse(stage.AccessLogSetting.Format);
      expect(format).toMatchObject({
        requestId: '$context.requestId',
        resourcePath: '$context.resourcePath',
        status: '$context.status',
        responseLatency: '$context.responseLatency',
        principalId: '$context.authorizer.principalId',
        applicationId: '$context.authorizer.applicationId',
        keyId: '$context.authorizer.keyId',
        wafStatus: '$context.waf.status',
      });
      // No request header (x-api-key, Authorization) is ever logged.
      expect(stage.AccessLogSetting.Format).not.toMatch(/header|apiKey\b|\.identity\.apiKey[^I]/);
      const logGroupId = [...referencedIds(stage.AccessLogSetting.DestinationArn)].find((id) => id in resources)!;
      expect(resources[logGroupId]).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 90 } });
    });

    test('execution logs record errors only, never request or response data', () => {
      template.hasResourceProperties('AWS::ApiGateway::Stage', {
        MethodSettings: [
          Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false, HttpMethod: '*', ResourcePath: '/*' }),
        ],
      });
    });

    test("by default the stack sets the account's API Gateway CloudWatch role and keeps it when deleted", () => {
      const account = Object.values(template.findResources('AWS::ApiGateway::Account'));
      expect(account).toHaveLength(1);
      const roleId = [...referencedIds(account[0]!.Properties.CloudWatchRoleArn)].find((id) => id in resources)!;
      expect(resources[roleId]).toMatchObject({ Type: 'AWS::IAM::Role', DeletionPolicy: 'Retain' });
    });

    test('with apiGatewayCloudWatchRole false the account setting is left alone and logs still flow', () => {
      const external = synthesis().template('external');
      external.resourceCountIs('AWS::ApiGateway::Account', 0);
      external.hasResourceProperties('AWS::ApiGateway::Stage', {
        AccessLogSetting: Match.objectLike({ Format: Match.anyValue() }),
      });
    });
  });

  describe('WAF', () => {
    let acl: Json;
    const rule = (name: string) => acl.Rules.find((candidate: Json) => candidate.Name === name);

    beforeAll(() => {
      acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
    });

    test('a regional web ACL guards the API stage', () => {
      expect(acl).toMatchObject({ Scope: 'REGIONAL', DefaultAction: { Allow: {} } });
      const association = Object.values(template.findResources('AWS::WAFv2::WebACLAssociation'));
      expect(association).toHaveLength(1);
      const stageId = Object.keys(template.findResources('AWS::ApiGateway::Stage'))[0]!;
      expect(JSON.stringify(association[0]!.Properties.ResourceArn)).toContain(stageId);
    });

    test("AWS's IP reputation, common and known-bad-input rule sets apply", () => {
      const managed = acl.Rules.filter((candidate: Json) => candidate.Statement.ManagedRuleGroupStatement).map(
        (candidate: Json) => candidate.Statement.ManagedRuleGroupStatement.Name,
      );
      expect(managed).toEqual([
        'AWSManagedRulesAmazonIpReputationList',
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
      ]);
    });

    test('the common rule set only counts large bodies; a rule after it blocks them except on POST .../measurements', () => {
      const common = rule(WEB_ACL_RULES.common);
      expect(common.Statement.ManagedRuleGroupStatement.RuleActionOverrides).toEqual([
        { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
      ]);
      const oversized = rule(WEB_ACL_RULES.oversizedBody);
      expect(oversized.Priority).toBeGreaterThan(common.Priority);
      expect(oversized.Action).toEqual({ Block: {} });
      const [label, exception] = oversized.Statement.AndStatement.Statements;
      expect(label).toEqual({ LabelMatchStatement: { Scope: 'LABEL', Key: OVERSIZED_BODY_LABEL } });
      const ingest = exception.NotStatement.Statement.AndStatement.Statements.map(
        (statement: Json) => statement.ByteMatchStatement,
      );
      expect(ingest).toEqual([
        expect.objectContaining({ FieldToMatch: { Method: {} }, PositionalConstraint: 'EXACTLY', SearchString: 'POST' }),
        expect.objectContaining({
          FieldToMatch: { UriPath: {} },
          PositionalConstraint: 'ENDS_WITH',
          SearchString: '/measurements',
        }),
      ]);
      // The ingest route is the one that takes large bodies.
      expect(routeList.filter((route) => route.method === 'POST' && route.path.endsWith('/measurements'))).not.toEqual([]);
    });

    test("one client IP is rate limited: a direct caller by its source address, a console viewer (through CloudFront) by the viewer's X-Forwarded-For address", () => {
      const viaCloudFront = {
        ByteMatchStatement: expect.objectContaining({
          FieldToMatch: { SingleHeader: { Name: CLOUDFRONT_ORIGIN_HEADER.name } },
          PositionalConstraint: 'EXACTLY',
          SearchString: CLOUDFRONT_ORIGIN_HEADER.value,
        }),
      };
      expect(rule(WEB_ACL_RULES.ratePerIp)).toMatchObject({
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'IP',
            Limit: 3000,
            EvaluationWindowSec: 300,
            ScopeDownStatement: { NotStatement: { Statement: viaCloudFront } },
          },
        },
      });
      expect(rule(WEB_ACL_RULES.ratePerViewerIp)).toMatchObject({
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'FORWARDED_IP',
            ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' },
            Limit: 3000,
            EvaluationWindowSec: 300,
            ScopeDownStatement: viaCloudFront,
          },
        },
      });
      // The console's distribution marks every request it forwards to the API with that header.
      const [distribution] = Object.values(template.findResources('AWS::CloudFront::Distribution')) as Json[];
      const apiOrigin = distribution.Properties.DistributionConfig.Origins.find((origin: Json) => origin.CustomOriginConfig);
      expect(apiOrigin.OriginCustomHeaders).toEqual([
        { HeaderName: CLOUDFRONT_ORIGIN_HEADER.name, HeaderValue: CLOUDFRONT_ORIGIN_HEADER.value },
      ]);
    });
  });

  describe('alarms and dashboard', () => {
    let alarms: Json[];
    let topicId: string;
    const alarmNamed = (fragment: string) => {
      const matches = alarms.filter((alarm) => alarm.id.includes(fragment));
      expect(matches).toHaveLength(1);
      return matches[0].Properties;
    };
    /** The one metric an alarm watches, whether CloudFormation holds it flat or as a metric query. */
    const singleMetric = (fragment: string) => {
      const alarm = alarmNamed(fragment);
      if (alarm.MetricName) return alarm;
      expect(alarm.Metrics).toHaveLength(1);
      const { Metric, Stat } = alarm.Metrics[0].MetricStat;
      return { ...Metric, Stat, Threshold: alarm.Threshold };
    };

    beforeAll(() => {
      alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).map(([id, alarm]) => ({ id, ...alarm }));
      topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    });

    test('every alarm notifies the one SNS topic on ALARM and OK, explains itself and ignores missing data (but the archiver lag)', () => {
      expect(alarms.length).toBeGreaterThan(0);
      for (const alarm of alarms) {
        expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.OKActions).toEqual([{ Ref: topicId }]);
        expect(alarm.Properties.AlarmDescription).toMatch(/docs\/operations\.md#/);
        // An archiver that does not run at all leaves no data: that is its lag alarm's case.
        expect(alarm.Properties.TreatMissingData).toBe(alarm.id.includes('ArchiverLag') ? 'breaching' : 'notBreaching');
      }
    });

    test('a message in the report dead-letter queue is alarmed at once', () => {
      const [deadLetterQueueId] = Object.entries(resources).find(
        ([id, resource]) => resource.Type === 'AWS::SQS::Queue' && id.includes('ReportDeadLetterQueue'),
      )!;
      expect(singleMetric('ReportDeadLetters')).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Stat: 'Maximum',
        Threshold: ALARM_THRESHOLDS.reportDeadLetters,
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [deadLetterQueueId, 'QueueName'] } }],
      });
      expect(alarmNamed('ReportDeadLetters').EvaluationPeriods).toBe(1);
    });

    test('archiver lag: failed, missing or budget-long runs of the archiver for 30 minutes raise an alarm', () => {
      const alarm = alarmNamed('ArchiverLag');
      const archiverId = Object.keys(ownFunctions(template)).find((id) => id.includes('Archiver'))!;
      const metrics = Object.fromEntries(
        alarm.Metrics.filter((query: Json) => query.MetricStat).map((query: Json) => [
          query.Id,
          {
            name: query.MetricStat.Metric.MetricName,
            stat: query.MetricStat.Stat,
            period: query.MetricStat.Period,
            fn: query.MetricStat.Metric.Dimensions[0].Value.Ref,
          },
        ]),
      );
      expect(metrics).toEqual({
        errors: { name: 'Errors', stat: 'Sum', period: 600, fn: archiverId },
        runs: { name: 'Invocations', stat: 'Sum', period: 600, fn: archiverId },
        shortest: { name: 'Duration', stat: 'Minimum', period: 600, fn: archiverId },
      });
      const expression = alarm.Metrics.find((query: Json) => query.Expression).Expression;
      // The run's budget: its timeout less the two minutes it keeps for the last batch.
      const timeoutSeconds = resources[archiverId].Properties.Timeout;
      expect(expression).toBe(
        `IF(FILL(errors, 0) > 0 OR FILL(runs, 0) < 1 OR FILL(shortest, 0) >= ${(timeoutSeconds - 120) * 1000}, 1, 0)`,
      );
      expect({ periods: alarm.EvaluationPeriods, threshold: alarm.Threshold }).toEqual({
        periods: ALARM_THRESHOLDS.archiverLagPeriods,
        threshold: 1,
      });
      const schedule = Object.values(template.findResources('AWS::Events::Rule')).find((rule: Json) =>
        JSON.stringify(rule.Properties.Targets).includes(archiverId),
      ) as Json;
      expect(schedule.Properties.ScheduleExpression).toBe('rate(10 minutes)');
    });

    test('the alarm email is subscribed to the topic, which is encrypted with a rotating key', () => {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.org',
        TopicArn: { Ref: topicId },
      });
      const topic = resources[topicId].Properties;
      const keyId = [...referencedIds(topic.KmsMasterKeyId)].find((id) => id in resources)!;
      expect(resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    });

    test('the 5xx rate alarm reads API Gateway 5XXError of the stage as a rate', () => {
      expect(singleMetric('ServerErrorRate')).toMatchObject({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5XXError',
        Stat: 'Average',
        Threshold: ALARM_THRESHOLDS.serverErrorRate,
        Dimensions: expect.arrayContaining([
          expect.objectContaining({ Name: 'Stage' }),
          expect.objectContaining({ Name: 'ApiName' }),
        ]),
      });
    });

    test("p99 latency of /v2 and of /admin each have an alarm on the handlers' Latency metric", () => {
      for (const [fragment, api] of [
        ['V2LatencyP99', 'v2'],
        ['AdminLatencyP99', 'admin'],
      ] as const) {
        expect(singleMetric(fragment)).toMatchObject({
          Namespace: 'Datagate',
          MetricName: 'Latency',
          Stat: 'p99',
          Threshold: ALARM_THRESHOLDS.p99LatencyMs[api],
          Dimensions: expect.arrayContaining([{ Name: 'api', Value: api }]),
        });
      }
    });

    test('authorizer failures alarm on the AuthorizerFailures metric', () => {
      expect(singleMetric('AuthorizerFailures')).toMatchObject({
        Namespace: 'Datagate',
        MetricName: 'AuthorizerFailures',
        Stat: 'Sum',
      });
    });

    /** The functions summed by the alarms whose id contains `fragment`, each alarm at most 10. */
    function functionsSummedBy(fragment: string, metricName: string): string[] {
      return alarms
        .filter((alarm) => alarm.id.includes(fragment))
        .flatMap((alarm) => {
          const metrics = alarm.Properties.Metrics.filter((query: Json) => query.MetricStat);
          expect(metrics.length).toBeLessThanOrEqual(10);
          return metrics.map((query: Json) => {
            expect(query.MetricStat.Metric).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: metricName });
            return query.MetricStat.Metric.Dimensions[0].Value.Ref;
          });
        });
    }

    test('Lambda errors of every route function, and throttles of every function, are alarmed, each exactly once', () => {
      const functions: Record<string, Json> = ownFunctions(template);
      const authorizerIds = Object.values(template.findResources('AWS::ApiGateway::Authorizer')).flatMap((authorizer: Json) =>
        [...referencedIds(authorizer.Properties.AuthorizerUri)].filter((id) => id in functions),
      );
      expect(authorizerIds).toHaveLength(Object.keys(AUTHORIZERS).length);
      const errors = functionsSummedBy('LambdaErrors', 'Errors');
      // Every route function and the two background workers (report worker, archiver).
      expect(errors).toHaveLength(routeList.length + 2);
      expect(new Set(errors)).toEqual(new Set(Object.keys(functions).filter((id) => !authorizerIds.includes(id))));
      const throttles = functionsSummedBy('LambdaThrottles', 'Throttles');
      expect(throttles.sort()).toEqual(Object.keys(functions).sort());
    });

    test('DynamoDB throttles (table and every index) and system errors are alarmed', () => {
      const throttles = alarmNamed('DynamoDbThrottles').Metrics.filter((query: Json) => query.MetricStat);
      const indexes = throttles.map(
        (query: Json) => query.MetricStat.Metric.Dimensions.find((d: Json) => d.Name === 'GlobalSecondaryIndexName')?.Value,
      );
      expect(new Set(indexes)).toEqual(new Set([undefined, ...TABLE_SCHEMA.indexes.map((index) => index.name)]));
      expect(new Set(throttles.map((query: Json) => query.MetricStat.Metric.MetricName))).toEqual(
        new Set(['ReadThrottleEvents', 'WriteThrottleEvents']),
      );
      const systemErrors = alarmNamed('DynamoDbSystemErrors').Metrics.filter((query: Json) => query.MetricStat);
      expect(systemErrors.map((query: Json) => query.MetricStat.Metric.MetricName)).toEqual(
        Array(systemErrors.length).fill('SystemErrors'),
      );
      expect(
        systemErrors.map((query: Json) => query.MetricStat.Metric.Dimensions.find((d: Json) => d.Name === 'Operation').Value),
      ).toEqual(expect.arrayContaining(['GetItem', 'Query', 'TransactWriteItems']));
    });

    test("WAF blocks are alarmed on the web ACL's BlockedRequests", () => {
      const acl = Object.values(template.findResources('AWS::WAFv2::WebACL'))[0]!.Properties;
      expect(singleMetric('WafBlocks')).toMatchObject({
        Namespace: 'AWS/WAFV2',
        MetricName: 'BlockedRequests',
        Threshold: ALARM_THRESHOLDS.wafBlocks,
        Dimensions: expect.arrayContaining([
          { Name: 'WebACL', Value: acl.VisibilityConfig.MetricName },
          { Name: 'Rule', Value: 'ALL' },
        ]),
      });
    });

    test('one dashboard shows the alarms, the API, the functions, the table, WAF and the custom metrics', () => {
      const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
      expect(dashboards).toHaveLength(1);
      const body = JSON.stringify(dashboards[0]!.Properties.DashboardBody);
      for (const expected of [
        'Alarms',
        '5XXError',
        'AWS/Lambda',
        'ConsumedReadCapacityUnits',
        'BlockedRequests',
        'Verifications',
        'MeasurementsIngested',
        'ContinuationTokensIssued',
        'GrantsRefused',
      ]) {
        expect(body).toContain(expected);
      }
    });
  });

  test('no secret value reaches a template: no function environment holds a Secrets Manager reference (a rotation needs no deployment)', () => {
    for (const name of ['default', 'external'] as const) {
      const resources = synthesis().template(name).toJSON().Resources as Record<string, Json>;
      const environments = Object.values(resources)
        .filter((resource) => resource.Type === 'AWS::Lambda::Function')
        .map((fn) => JSON.stringify(fn.Properties.Environment?.Variables ?? {}));
      expect(environments.filter((environment) => environment.includes('resolve:secretsmanager'))).toEqual([]);
      expect(environments.filter((environment) => environment.includes('"CONTINUATION_SECRET"'))).toEqual([]);
    }
  });

  describe('per-application limits at API Gateway', () => {
    const methods = () => Object.values(template.findResources('AWS::ApiGateway::Method')) as Json[];

    test('usage plans meter the key the authorizer names, and every /v2 method requires one', () => {
      template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
      const v2Routes = routeList.filter((route) => route.credential === 'apiKey').map((route) => route.operationId);
      const required = methods()
        .filter((method) => method.Properties.ApiKeyRequired === true)
        .map((method) => method.Properties.OperationName);
      expect(required.sort()).toEqual([...v2Routes].sort());
    });

    test('only the routes that manage usage plans may call API Gateway, and know which API and stage', () => {
      const functions: Record<string, Json> = ownFunctions(template);
      const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Json[];
      const managing = routeList.filter((route) => route.usagePlans).map((route) => route.operationId);
      expect(managing.sort()).toEqual(['createApplication', 'deleteApplication', 'setApplicationLimits']);
      for (const [id, fn] of Object.entries(functions)) {
        const roleId = fn.Properties.Role['Fn::GetAtt'][0];
        const actions = policies
          .filter((policy) => policy.Properties.Roles.some((role: Json) => role.Ref === roleId))
          .flatMap((policy) =>
            policy.Properties.PolicyDocument.Statement.flatMap((statement: Json) => [statement.Action].flat()),
          );
        const variables = fn.Properties.Environment?.Variables ?? {};
        const manages = actions.some((action: string) => action.startsWith('apigateway:'));
        expect({ id, manages }).toEqual({ id, manages: 'GATEWAY_REST_API_ID' in variables });
        if (manages) expect(variables.GATEWAY_STAGE).toBe('v1');
      }
      const managingFunctions = Object.values(functions).filter(
        (fn) => fn.Properties.Environment?.Variables?.GATEWAY_REST_API_ID,
      );
      expect(managingFunctions).toHaveLength(managing.length);
    });

    test('the stack defaults of application limits reach the functions when given', () => {
      const withDefaults = synthesis().template('external');
      expect(LIMIT_DEFAULTS).toEqual({ requestsPerSecond: 7, burst: 9, requestsPerDay: 1234 });
      const variables = Object.values(ownFunctions(withDefaults)).map((fn: Json) => fn.Properties.Environment.Variables);
      expect(
        variables.filter(
          (vars) =>
            vars.DEFAULT_REQUESTS_PER_SECOND === '7' && vars.DEFAULT_BURST === '9' && vars.DEFAULT_REQUESTS_PER_DAY === '1234',
        ).length,
      ).toBe(routeList.length);
    });

    test('over a limit, API Gateway answers 429 with Retry-After in the contract body (throttle and quota)', () => {
      for (const type of ['THROTTLED', 'QUOTA_EXCEEDED']) {
        template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
          ResponseType: type,
          StatusCode: '429',
          ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Retry-After': Match.stringLikeRegexp("^'\\d+'$") }),
        });
      }
    });
  });

  describe('custom domain', () => {
    test('the domain maps the API at its root, on TLS 1.2, and its DNS target is an output', () => {
      template.hasResourceProperties('AWS::ApiGateway::DomainName', {
        DomainName: DOMAIN.domainName,
        RegionalCertificateArn: DOMAIN.certificateArn,
        EndpointConfiguration: { Types: ['REGIONAL'] },
        SecurityPolicy: 'TLS_1_2',
      });
      template.hasResourceProperties('AWS::ApiGateway::BasePathMapping', { BasePath: Match.absent() });
      template.hasOutput('CustomDomainTarget', {});
    });

    test('without a domain there is none', () => {
      const plain = synthesis().template('default');
      plain.resourceCountIs('AWS::ApiGateway::DomainName', 0);
      plain.resourceCountIs('AWS::SNS::Subscription', 0);
    });
  });
});
