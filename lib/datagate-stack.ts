import { GITHUB_SECRET_SCANNING_KEYS_URL } from '../functions/core/config';
import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Size, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { GATEWAY_MIN_COMPRESSION_BYTES, GATEWAY_RESPONSES } from '../functions/core/http/gateway-responses';
import type { CredentialKind, RouteDefinition } from '../functions/core/http/route';
import { TABLE_SCHEMA } from '../functions/core/table-schema';
import { KEY_RECORD_LEADING_KEYS } from '../functions/core/api-keys';
import { routeList } from '../functions/routes';
import { AUTHORIZERS } from './authorizers';
import { DatagateFunction } from './datagate-function';
import { ReportResources } from './report-resources';
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
   * API Gateway stage, the first segment of every URL path.
   * @default 'v1'
   */
  readonly stageName?: string;

  /**
   * Days the measurement archive (S3) keeps measurements.
   * @default keep forever
   */
  readonly archiveRetentionDays?: number;

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
   * @default `datagate-<account id>`
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
  private continuationSecret?: secretsmanager.Secret;
  private readonly secretScannerKeysUrl: string;

  constructor(scope: Construct, id: string, props: DatagateStackProps = {}) {
    super(scope, id, props);
    this.secretScannerKeysUrl = props.secretScannerKeysUrl ?? GITHUB_SECRET_SCANNING_KEYS_URL;

    this.table = this.createTable();
    this.reports = new ReportResources(this, 'Reports', { table: this.table, archiveRetentionDays: props.archiveRetentionDays });
    const stageName = props.stageName ?? 'v1';
    this.api = this.createApi(stageName);
    const userPool = props.oidc ? undefined : this.createUserPool(props.cognitoDomainPrefix);
    const consoleHosting = new ConsoleHosting(this, 'Console', {
      api: this.api,
      stageName,
      assetPath: props.consoleAssetPath ?? DEFAULT_CONSOLE_DIST,
      authOrigin: userPool ? userPool.domain.baseUrl() : props.consoleSignIn && new URL(props.consoleSignIn.tokenUrl).origin,
      domain: props.consoleDomain,
    });
    const { oidc, consoleSignIn } = userPool
      ? this.createUserPoolClient(userPool, consoleHosting.url)
      : { oidc: props.oidc!, consoleSignIn: props.consoleSignIn };
    consoleHosting.deploy(consoleSignIn);
    const authorizers = this.createAuthorizers(oidc);
    for (const route of routeList) this.addRoute(route, authorizers);

    new CfnOutput(this, 'ApiUrl', { value: this.api.url, description: 'Base URL of the API (with the stage).' });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'DataBucketName', { value: this.reports.bucket.bucketName, description: 'The measurement archive and report files.' });
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
  private createUserPool(domainPrefix: string | undefined): { pool: cognito.UserPool; domain: cognito.UserPoolDomain } {
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const domain = pool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: domainPrefix ?? `datagate-${this.account}` },
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

  /** The REST API, its stage and the error answers API Gateway gives by itself. */
  private createApi(stageName: string): apigateway.RestApi {
    const api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'datagate',
      description: 'Datagate: API keys for external software to air-quality data.',
      endpointConfiguration: { types: [apigateway.EndpointType.REGIONAL] },
      // Answers of 1 KiB or more are gzipped for clients that send Accept-Encoding: gzip.
      minCompressionSize: Size.bytes(GATEWAY_MIN_COMPRESSION_BYTES),
      // No execution logging, so no account-wide CloudWatch role is needed.
      cloudWatchRole: false,
      deployOptions: {
        stageName,
        tracingEnabled: true,
        metricsEnabled: true,
        throttlingRateLimit: 1000,
        throttlingBurstLimit: 2000,
      },
    });

    this.addGatewayResponses(api);
    return api;
  }

  /** API Gateway's own errors (401 from an authorizer, unknown path, throttling...) in the contract's error shape. */
  private addGatewayResponses(api: apigateway.RestApi): void {
    for (const [type, response] of Object.entries(GATEWAY_RESPONSES)) {
      const headers: Record<string, string> | undefined = 'headers' in response ? response.headers : undefined;
      api.addGatewayResponse(`GatewayResponse${type}`, {
        type: apigateway.ResponseType.of(type),
        statusCode: String(response.status),
        templates: { 'application/json': JSON.stringify(response.body) },
        // Header values are mapping expressions, so a literal is single-quoted: '1'.
        responseHeaders: headers && Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, `'${value}'`])),
      });
    }
  }

  /** One Lambda REQUEST authorizer per credential kind. */
  private createAuthorizers(oidc: OidcSettings): Record<AuthorizerKind, apigateway.IAuthorizer> {
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
      // No cache: every request re-verifies the JWT, so an expired token never rides a cached answer.
      person: this.requestAuthorizer('person', person, Duration.seconds(0)),
      // 5 s here plus the 5 s in-function cache keep key revocation within 10 s.
      apiKey: this.requestAuthorizer('apiKey', apiKey, Duration.seconds(API_KEY_AUTHORIZER_CACHE_SECONDS)),
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
      identitySources: [apigateway.IdentitySource.header(AUTHORIZERS[kind].identityHeader)],
      resultsCacheTtl,
    });
  }

  /** One row of the route table: its resource, function, grant and method. */
  private addRoute(route: RouteDefinition, authorizers: Record<AuthorizerKind, apigateway.IAuthorizer>): void {
    const handler = new DatagateFunction(this, pascalCase(route.operationId), {
      handler: route.handler,
      description: `${route.method} ${route.path}: ${route.summary}`,
      environment: {
        ...(route.tableAccess === 'none' ? {} : { TABLE_NAME: this.table.tableName }),
        ...(route.continuationTokens ? { CONTINUATION_SECRET: this.continuationTokenSecret() } : {}),
        ...(route.secretScannerKeys ? { SECRET_SCANNER_KEYS_URL: this.secretScannerKeysUrl } : {}),
      },
    });
    this.grantTableAccess(route, handler);
    for (const [name, value] of Object.entries(this.reports.grantRoute(route, handler))) handler.fn.addEnvironment(name, value);

    const resource = this.api.root.resourceForPath(route.path);
    resource.addMethod(route.method, new apigateway.LambdaIntegration(handler.fn), {
      operationName: route.operationId,
      ...this.methodAuthorization(route.credential, authorizers),
    });
  }

  /**
   * The HMAC key of continuation tokens: generated by Secrets Manager at deploy time (nothing is
   * needed at synth time) and handed to the functions as a CloudFormation dynamic reference, so
   * no Secrets Manager client is bundled. Trade-off: the value is visible in the functions'
   * configuration to whoever may read it (lambda:GetFunctionConfiguration).
   */
  private continuationTokenSecret(): string {
    this.continuationSecret ??= new secretsmanager.Secret(this, 'ContinuationTokenSecret', {
      description: 'Signs the continuation tokens of the data API (HS256).',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    return this.continuationSecret.secretValue.unsafeUnwrap();
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

/** `getOpenApiDocument` → `GetOpenApiDocument`, for construct ids. */
function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
