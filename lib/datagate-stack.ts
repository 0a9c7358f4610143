import { GITHUB_SECRET_SCANNING_KEYS_URL } from '../functions/core/platform/config';
import { STREAMED_ROUTE_TIMEOUT_SECONDS } from '../functions/core/platform/limits';
import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import {
  GATEWAY_CORRELATION_ID_MAPPING,
  GATEWAY_MIN_COMPRESSION_BYTES,
  GATEWAY_RESPONSE_HEADERS,
  GATEWAY_RESPONSES,
} from '../functions/core/http/gateway-responses';
import type { CredentialKind, RouteDefinition } from '../functions/core/http/route';
import { TABLE_SCHEMA } from '../functions/core/store/table-schema';
import { KEY_RECORD_LEADING_KEYS } from '../functions/core/applications';
import { routeList } from '../functions/routes';
import { AUTHORIZERS } from './authorizers';
import { METRICS_NAMESPACE } from '../functions/core/observability/metric-names';
import { USAGE_DIMENSION, USAGE_METRIC } from '../functions/core/usage/usage-metric-names';
import { DatagateFunction } from './datagate-function';
import { ARCHIVER_BUDGET, ARCHIVER_SCHEDULE, ReportResources } from './report-resources';
import { FUNCTION_FILES } from './function-assets';
import { DatagateMonitoring, type MonitoredFunction } from './monitoring';
import { acknowledgeConsoleFindings, acknowledgeReportFindings, acknowledgeStackFindings } from './nag-acknowledgments';
import { DatagateWebAcl } from './web-acl';
import { routeArea, type RouteArea } from './route-areas';
import { pascalCase, RouteStack } from './route-stack';
import { stageNames, type StageNames } from './stages';
import { ConsoleHosting, DEFAULT_CONSOLE_DIST, type ConsoleSignIn } from './console-hosting';

/** The OpenID Connect issuer whose JWTs identify people on `/admin`. */
export interface OidcSettings {
  /** Expected `iss` claim, e.g. `https://issuer.example.com/`. */
  readonly issuer: string;
  /** Expected `aud` claim (the client id for Cognito ID tokens). */
  readonly audience: string;
  /** Where the issuer publishes its signing keys. */
  readonly jwksUrl: string;
}

export interface DatagateStackProps extends StackProps {
  /**
   * An existing OIDC issuer for people.
   * @default a Cognito user pool and app client created by this stack
   */
  readonly oidc?: OidcSettings;

  /**
   * The deployment stage (lib/stages.ts): its name goes into the names the stack chooses (the
   * REST API, the Cognito domain prefix), so stages live side by side in one account and region.
   * Give the stack the matching `stackName` (`stageNames(stage).stackName`).
   * @default the default stage: the names of a deployment made before stages existed
   */
  readonly stage?: string;

  /**
   * API Gateway stage, the first segment of every URL path of the execute-api URL.
   * @default 'v1'
   */
  readonly apiStageName?: string;

  /**
   * Days the measurement archive (S3) keeps measurements.
   * @default keep forever
   */
  readonly archiveRetentionDays?: number;

  /**
   * A custom domain for the API, mapped at its root: a Clarity client's base URL is then
   * `https://<domainName>/v2/`. The DNS record (a CNAME or alias to the `CustomDomainTarget`
   * output) is yours to create.
   * @default none: the API is reached at its execute-api URL with the stage
   */
  readonly customDomain?: CustomDomainSettings;

  /**
   * Whether this stack sets the account's API Gateway CloudWatch role (a setting of the account
   * in the region, needed for access and execution logs). Set false when the account already has
   * one, e.g. managed by a landing zone (see docs/operations.md).
   * @default true: a role is created, set on the account, and retained when the stack is deleted
   */
  readonly apiGatewayCloudWatchRole?: boolean;

  /**
   * An email address that receives every alarm (it must confirm the subscription).
   * @default no subscription: subscribe to the `AlarmTopicArn` output yourself
   */
  readonly alarmEmail?: string;

  /**
   * The limits of an application whose owner org's admin set none.
   * @default 10 requests a second, burst 20, 100,000 requests a day (functions/core/platform/limits.ts)
   */
  readonly applicationLimitDefaults?: { requestsPerSecond: number; burst: number; requestsPerDay: number };

  /**
   * How the admin console signs people in when `oidc` is an existing issuer (its authorization
   * code + PKCE endpoints and public client). Without it, that console shows that sign-in is
   * not configured.
   * @default the Cognito user pool's managed login, when the stack creates the pool
   */
  readonly consoleSignIn?: ConsoleSignIn;

  /**
   * The Cognito domain prefix of the managed login (`<prefix>.auth.<region>.amazoncognito.com`),
   * unique in the region.
   * @default `datagate-<account id>`, or `datagate-<stage>-<account id>` in a stage
   */
  readonly cognitoDomainPrefix?: string;

  /**
   * A custom domain for the console, with an ACM certificate in us-east-1.
   * @default the CloudFront distribution's own name
   */
  readonly consoleDomain?: { readonly domainName: string; readonly certificateArn: string };

  /**
   * The built console.
   * @default console/dist
   */
  readonly consoleAssetPath?: string;

  /**
   * Where the secret scanner that reports leaked keys publishes its public keys.
   * @default GitHub's secret scanning keys (https://api.github.com/meta/public_keys/secret_scanning)
   */
  readonly secretScannerKeysUrl?: string;
}

/** A domain name for the API and its ACM certificate (in the stack's region). */
export interface CustomDomainSettings {
  readonly domainName: string;
  readonly certificateArn: string;
}

type AuthorizerKind = keyof typeof AUTHORIZERS;

/**
 * Seconds API Gateway caches an api-key authorizer answer. Together with the authorizer's own
 * in-process cache (KEY_CACHE_TTL_SECONDS) this bounds how long a revoked key keeps working:
 * 5 s + 5 s = the contract's 10 s.
 */
const API_KEY_AUTHORIZER_CACHE_SECONDS = 5;
const API_KEY_IN_FUNCTION_CACHE_SECONDS = 5;

/**
 * Datagate: one DynamoDB table, one REST API whose methods are the rows of the route table
 * (one Lambda function each), and the two Lambda authorizers. The stack only wires; behaviour
 * lives in `functions/`.
 */
export class DatagateStack extends Stack {
  readonly table: dynamodb.Table;
  readonly api: apigateway.RestApi;
  readonly reports: ReportResources;
  readonly monitoring: DatagateMonitoring;
  private continuationSecret?: secretsmanager.Secret;
  private readonly routeFunctions: MonitoredFunction[] = [];
  /** The nested stacks of the route areas, created as their first route is added. */
  readonly routeStacks = new Map<RouteArea, RouteStack>();
  private readonly names: StageNames;
  private readonly limitDefaults: Record<string, string>;
  /** A literal, not the stage's Ref: a function reading the stage would depend on its own method. */
  private readonly stageName: string;
  private readonly secretScannerKeysUrl: string;

  constructor(scope: Construct, id: string, props: DatagateStackProps = {}) {
    super(scope, id, props);
    this.names = stageNames(props.stage);
    this.stageName = props.apiStageName ?? 'v1';
    this.secretScannerKeysUrl = props.secretScannerKeysUrl ?? GITHUB_SECRET_SCANNING_KEYS_URL;
    const defaults = props.applicationLimitDefaults;
    this.limitDefaults = defaults
      ? {
          DEFAULT_REQUESTS_PER_SECOND: String(defaults.requestsPerSecond),
          DEFAULT_BURST: String(defaults.burst),
          DEFAULT_REQUESTS_PER_DAY: String(defaults.requestsPerDay),
        }
      : {};

    this.table = this.createTable();
    this.reports = new ReportResources(this, 'Reports', { table: this.table, archiveRetentionDays: props.archiveRetentionDays });
    this.api = this.createApi(props);
    const userPool = props.oidc
      ? undefined
      : this.createUserPool(props.cognitoDomainPrefix ?? `${this.names.prefix}-${this.account}`);
    const consoleHosting = new ConsoleHosting(this, 'Console', {
      api: this.api,
      stageName: this.stageName,
      assetPath: props.consoleAssetPath ?? DEFAULT_CONSOLE_DIST,
      authOrigin: userPool ? userPool.domain.baseUrl() : props.consoleSignIn && new URL(props.consoleSignIn.tokenUrl).origin,
      domain: props.consoleDomain,
    });
    const { oidc, consoleSignIn } = userPool
      ? this.createUserPoolClient(userPool, consoleHosting.url)
      : { oidc: props.oidc!, consoleSignIn: props.consoleSignIn };
    consoleHosting.deploy(consoleSignIn);
    const { authorizers, functions: authorizerFunctions } = this.createAuthorizers(oidc);
    for (const route of routeList) this.addRoute(route, authorizers, oidc.issuer);

    // The background workers are alarmed like the route functions (errors and throttles).
    this.routeFunctions.push(
      { name: 'ReportWorker', fn: this.reports.worker.fn },
      { name: 'Archiver', fn: this.reports.archiver.fn },
    );
    const webAcl = new DatagateWebAcl(this, 'WebAcl', { stage: this.api.deploymentStage });
    this.monitoring = new DatagateMonitoring(this, 'Monitoring', {
      api: this.api,
      routeFunctions: this.routeFunctions,
      authorizerFunctions,
      table: this.table,
      indexNames: TABLE_SCHEMA.indexes.map((index) => index.name),
      webAclMetricName: webAcl.metricName,
      alarmEmail: props.alarmEmail,
      reports: {
        deadLetterQueue: this.reports.deadLetterQueue,
        archiver: this.reports.archiver.fn,
        archiverSchedule: ARCHIVER_SCHEDULE,
        archiverBudget: ARCHIVER_BUDGET,
      },
    });
    acknowledgeStackFindings(this, { api: this.api, table: this.table });
    acknowledgeConsoleFindings(this, consoleHosting);
    acknowledgeReportFindings(this, this.reports);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (with the stage).' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'SNS topic of every alarm.' });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DataBucketName', {
      value: this.reports.bucket.bucketName,
      description: 'The measurement archive and report files.',
    });
    new CfnOutput(this, 'OidcIssuer', { value: oidc.issuer, description: 'Issuer of the person JWTs accepted on /admin.' });
  }

  /** The single table, keyed as in TABLE_SCHEMA. */
  private createTable(): dynamodb.Table {
    const table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: TABLE_SCHEMA.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_SCHEMA.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: TABLE_SCHEMA.timeToLiveAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
      // A `cdk destroy` or a replacement cannot delete the data; turn it off by hand first.
      deletionProtection: true,
    });
    for (const index of TABLE_SCHEMA.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }
    return table;
  }

  /**
   * The default people directory when no external OIDC issuer is given, with its managed login
   * (hosted UI) on a Cognito domain. Accounts are created by invitation only (see README, Deploy).
   */
  private createUserPool(domainPrefix: string): { pool: cognito.UserPool; domain: cognito.UserPoolDomain } {
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      // People may add an authenticator app; an operator can require it for everyone in the console.
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG2',
      reason:
        'MFA is optional (authenticator apps): requiring it would break the admin password flow operators script against; orgs that need it turn it on in the pool, or bring their own OIDC issuer.',
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG8',
      reason:
        'The Essentials feature plan: threat protection (Plus) is billed per user and can be switched on later without a change here.',
    });
    const domain = pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix },
      managedLoginVersion: cognito.ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    return { pool, domain };
  }

  /**
   * The pool's app client: a public client (no secret) for the console, authorization code with
   * PKCE, whose callback and sign-out URL is the console. Its ID tokens are what `/admin` takes.
   */
  private createUserPoolClient(
    { pool, domain }: { pool: cognito.UserPool; domain: cognito.UserPoolDomain },
    consoleUrl: string,
  ): { oidc: OidcSettings; consoleSignIn: ConsoleSignIn } {
    const client = pool.addClient('Client', {
      generateSecret: false,
      // SRP for sign-in UIs; admin password auth for operator tooling.
      authFlows: { userSrp: true, adminUserPassword: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${consoleUrl}/`],
        logoutUrls: [`${consoleUrl}/`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
    });
    new cognito.CfnManagedLoginBranding(this, 'ManagedLoginBranding', {
      userPoolId: pool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    new CfnOutput(this, 'UserPoolClientId', { value: client.userPoolClientId });

    const issuer = `https://cognito-idp.${this.region}.amazonaws.com/${pool.userPoolId}`;
    const base = domain.baseUrl();
    return {
      // Cognito ID tokens carry the app client id as `aud`.
      oidc: { issuer, audience: client.userPoolClientId, jwksUrl: `${issuer}/.well-known/jwks.json` },
      consoleSignIn: {
        authorizeUrl: `${base}/oauth2/authorize`,
        tokenUrl: `${base}/oauth2/token`,
        logoutUrl: `${base}/logout`,
        clientId: client.userPoolClientId,
      },
    };
  }

  /**
   * The REST API, its stage, access and execution logs, the optional custom domain and the
   * error answers API Gateway gives by itself.
   */
  private createApi(props: DatagateStackProps): apigateway.RestApi {
    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Usage per application: the requests the gateway throttled before any handler ran (no EMF
    // can count those), by application, from the access log (functions/core/usage/).
    new logs.MetricFilter(this, 'GatewayThrottledByApplication', {
      logGroup: accessLogs,
      metricNamespace: METRICS_NAMESPACE,
      metricName: USAGE_METRIC.gatewayThrottled,
      filterPattern: logs.FilterPattern.literal(
        '{ ($.errorType = "THROTTLED" || $.errorType = "QUOTA_EXCEEDED") && $.applicationId = "app_*" }',
      ),
      metricValue: '1',
      dimensions: { [USAGE_DIMENSION.applicationId]: '$.applicationId' },
    });
    const createCloudWatchRole = props.apiGatewayCloudWatchRole ?? true;
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: this.names.prefix,
      // Usage plans meter the key the API key authorizer names (usageIdentifierKey), never a client header.
      apiKeySourceType: apigateway.ApiKeySourceType.AUTHORIZER,
      description: 'Datagate: API keys for external software to air-quality data.',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Answers of 1 KiB or more are gzipped for clients that send Accept-Encoding: gzip.
      minCompressionSize: Size.bytes(GATEWAY_MIN_COMPRESSION_BYTES),
      // Access and execution logs need the account's API Gateway CloudWatch role (one per account
      // and region). Retained on delete: other APIs of the account may rely on it by then.
      cloudWatchRole: createCloudWatchRole,
      ...(createCloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        stageName: this.stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        // Errors only, and never the request or response data (it would hold keys and tokens).
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
        throttlingRateLimit: 1000,
        throttlingBurstLimit: 2000,
      },
      ...(props.customDomain
        ? {
            domainName: {
              domainName: props.customDomain.domainName,
              certificate: acm.Certificate.fromCertificateArn(this, 'DomainCertificate', props.customDomain.certificateArn),
              endpointType: apigateway.EndpointType.REGIONAL,
              securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
            },
          }
        : {}),
    });
    if (createCloudWatchRole) {
      Validations.of(api).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "The account's API Gateway logging role: AWS's managed policy is made for exactly this and is what API Gateway documents.",
      });
    }
    Validations.of(api).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG2',
      reason:
        "Every handler validates its path, query and body with the zod schemas of its route row (the OpenAPI document is generated from them), answering the contract's 400 body, which a gateway validator cannot produce.",
    });
    if (props.customDomain) {
      new CfnOutput(this, 'CustomDomainTarget', {
        value: api.domainName!.domainNameAliasDomainName,
        description: `Point a CNAME (or alias) for ${props.customDomain.domainName} here; the API is then at https://${props.customDomain.domainName}/v2/...`,
      });
    }

    this.addGatewayResponses(api);
    return api;
  }

  /** API Gateway's own errors (401 from an authorizer, unknown path, throttling...) in the contract's error shape. */
  private addGatewayResponses(api: apigateway.RestApi): void {
    for (const [type, response] of Object.entries(GATEWAY_RESPONSES)) {
      const headers: Record<string, string> = {
        ...GATEWAY_RESPONSE_HEADERS,
        ...('headers' in response ? response.headers : {}),
      };
      api.addGatewayResponse(`GatewayResponse${type}`, {
        type: apigateway.ResponseType.of(type),
        statusCode: String(response.status),
        templates: { 'application/json': JSON.stringify(response.body) },
        // Header values are mapping expressions, so a literal is single-quoted: '1'.
        responseHeaders: {
          ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`])),
          'X-Correlation-Id': GATEWAY_CORRELATION_ID_MAPPING,
        },
      });
    }
  }

  /** One Lambda REQUEST authorizer per credential kind. */
  private createAuthorizers(oidc: OidcSettings): {
    authorizers: Record<AuthorizerKind, apigateway.IAuthorizer>;
    functions: MonitoredFunction[];
  } {
    const person = new DatagateFunction(this, 'PersonAuthorizerHandler', {
      handler: AUTHORIZERS.person.handler,
      description: 'Verifies the OIDC JWT of a person (/admin).',
      environment: { OIDC_ISSUER: oidc.issuer, OIDC_AUDIENCE: oidc.audience, OIDC_JWKS_URL: oidc.jwksUrl },
    });

    const apiKey = new DatagateFunction(this, 'ApiKeyAuthorizerHandler', {
      handler: AUTHORIZERS.apiKey.handler,
      description: 'Resolves an x-api-key to its application and grants (/v2).',
      // On the path of every /v2 request: more memory buys more CPU, hence shorter cold starts.
      memorySize: 512,
      environment: { TABLE_NAME: this.table.tableName, KEY_CACHE_TTL_SECONDS: String(API_KEY_IN_FUNCTION_CACHE_SECONDS) },
    });
    // Reads key lookup items; writes nothing but a key record's lastUsedAt (at most once a minute per key).
    apiKey.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['dynamodb:GetItem'], resources: [this.table.tableArn] }));
    apiKey.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': KEY_RECORD_LEADING_KEYS },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PK', 'SK', 'lastUsedAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      }),
    );

    return {
      authorizers: {
        // No cache: every request re-verifies the JWT, so an expired token never rides a cached answer.
        person: this.requestAuthorizer('person', person, Duration.seconds(0)),
        // 5 s here plus the 5 s in-function cache keep key revocation within 10 s.
        apiKey: this.requestAuthorizer('apiKey', apiKey, Duration.seconds(API_KEY_AUTHORIZER_CACHE_SECONDS)),
      },
      functions: [
        { name: 'person-authorizer', fn: person.fn },
        { name: 'api-key-authorizer', fn: apiKey.fn },
      ],
    };
  }

  private requestAuthorizer(
    kind: AuthorizerKind,
    handler: DatagateFunction,
    resultsCacheTtl: Duration,
  ): apigateway.RequestAuthorizer {
    return new apigateway.RequestAuthorizer(this, `${pascalCase(kind)}Authorizer`, {
      authorizerName: path.basename(AUTHORIZERS[kind].handler),
      handler: handler.fn,
      identitySources: [
        apigateway.IdentitySource.header(AUTHORIZERS[kind].identityHeader),
        // The API key authorizer enforces each key's IP allowlist: its answers are cached per key
        // AND source address, so an Allow cached for one address is never reused for another.
        ...(kind === 'apiKey' ? [apigateway.IdentitySource.context('identity.sourceIp')] : []),
      ],
      resultsCacheTtl,
    });
  }

  /** One row of the route table: its function, grants and method, in the nested stack of its area. */
  private addRoute(
    route: RouteDefinition,
    authorizers: Record<AuthorizerKind, apigateway.IAuthorizer>,
    oidcIssuer: string,
  ): void {
    const handler = this.routeStack(routeArea(route)).addRoute(
      route,
      {
        handler: route.handler,
        description: `${route.method} ${route.path}: ${route.summary}`,
        files: FUNCTION_FILES[route.handler],
        // A streamed answer (a whole recent window) reads and renders for longer, with more CPU.
        ...(route.streamed ? { timeout: Duration.seconds(STREAMED_ROUTE_TIMEOUT_SECONDS), memorySize: 1024 } : {}),
        environment: {
          ...(route.tableAccess === 'none' ? {} : { TABLE_NAME: this.table.tableName }),
          ...(route.usagePlans ? { GATEWAY_REST_API_ID: this.api.restApiId, GATEWAY_STAGE: this.stageName } : {}),
          ...this.limitDefaults,
          ...(route.secretScannerKeys ? { SECRET_SCANNER_KEYS_URL: this.secretScannerKeysUrl } : {}),
          ...(route.usageMetrics ? { USAGE_SOURCE: 'cloudwatch' } : {}),
          ...(route.signInIssuer ? { OIDC_ISSUER: oidcIssuer } : {}),
        },
      },
      this.methodAuthorization(route.credential, authorizers),
    );
    this.grantTableAccess(route, handler);
    if (route.continuationTokens) this.grantContinuationSecret(handler);
    if (route.usageMetrics) this.grantUsageMetrics(handler);
    for (const [name, value] of Object.entries(this.reports.grantRoute(route, handler))) handler.fn.addEnvironment(name, value);
    if (route.usagePlans) this.grantUsagePlans(handler);
    this.routeFunctions.push({ name: route.operationId, fn: handler.fn });
  }

  private routeStack(area: RouteArea): RouteStack {
    let stack = this.routeStacks.get(area);
    if (!stack) {
      stack = new RouteStack(this, `${area}Routes`, { area, api: this.api, apiStageName: this.stageName });
      this.routeStacks.set(area, stack);
    }
    return stack;
  }

  /** The usage routes read usage per application back from CloudWatch (GetMetricData, which takes no resource). */
  private grantUsageMetrics(handler: DatagateFunction): void {
    handler.fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }));
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:GetMetricData supports no resource-level permissions; it only reads metrics.',
    });
  }

  /** The application admin routes keep each application's gateway key and usage plan in step. */
  private grantUsagePlans(handler: DatagateFunction): void {
    const gatewayArn = (path: string) => `arn:${this.partition}:apigateway:${this.region}::${path}`;
    handler.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:DELETE'],
        resources: [gatewayArn('/apikeys'), gatewayArn('/apikeys/*'), gatewayArn('/usageplans'), gatewayArn('/usageplans/*')],
      }),
    );
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
      reason:
        "Gateway API keys and usage plans are created at run time, one per application, so their ids are not known at deployment; only this region's keys and plans.",
    });
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/usageplans/*]',
      reason:
        "Gateway API keys and usage plans are created at run time, one per application, so their ids are not known at deployment; only this region's keys and plans.",
    });
  }

  /**
   * The HMAC key of continuation tokens: generated by Secrets Manager at deploy time. A function
   * that signs or verifies tokens gets the secret's ARN and may read its value
   * (secretsmanager:GetSecretValue on this secret only); it reads it at run time and keeps it
   * 5 minutes (functions/core/store/secrets.ts), so the value is in no function's
   * configuration and a rotation needs no deployment (docs/operations.md).
   */
  private grantContinuationSecret(handler: DatagateFunction): void {
    this.continuationSecret ??= new secretsmanager.Secret(this, 'ContinuationTokenSecret', {
      description: 'Signs the continuation tokens of the data API (HS256).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    this.continuationSecret.grantRead(handler);
    handler.fn.addEnvironment('CONTINUATION_SECRET_ARN', this.continuationSecret.secretArn);
  }

  /** Least privilege: exactly the access the route table declares. */
  private grantTableAccess(route: RouteDefinition, handler: DatagateFunction): void {
    switch (route.tableAccess) {
      case 'read':
        this.table.grantReadData(handler);
        break;
      case 'readWrite':
        this.table.grantReadWriteData(handler);
        break;
      case 'none':
        break;
    }
  }

  private methodAuthorization(
    credential: CredentialKind,
    authorizers: Record<AuthorizerKind, apigateway.IAuthorizer>,
  ): Pick<apigateway.MethodOptions, 'authorizer' | 'authorizationType'> {
    if (credential === 'none') return { authorizationType: apigateway.AuthorizationType.NONE };
    return { authorizer: authorizers[credential], authorizationType: apigateway.AuthorizationType.CUSTOM };
  }
}

/**
 * One JSON line per request in the access log group. Identifies the caller by the authorizer's
 * principal (application id or person sub), never by a credential: no header is logged, and no
 * path as sent (a key pasted into a URL would be in it): `resourcePath` is the route's template.
 */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  principalId: '$context.authorizer.principalId',
  applicationId: '$context.authorizer.applicationId',
  keyId: '$context.authorizer.keyId',
  authorizerStatus: '$context.authorizer.status',
  authorizerLatency: '$context.authorizer.latency',
  apiKeyId: '$context.identity.apiKeyId',
  errorType: '$context.error.responseType',
  errorMessage: '$context.error.message',
  wafStatus: '$context.waf.status',
  xrayTraceId: '$context.xrayTraceId',
} as const;
