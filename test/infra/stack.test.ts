import { Match, Template } from 'aws-cdk-lib/assertions';
import { STREAMED_ROUTE_TIMEOUT_SECONDS } from '../../functions/core/platform/limits';
import { GATEWAY_RESPONSE_HEADERS, GATEWAY_RESPONSES } from '../../functions/core/http/gateway-responses';
import { TABLE_SCHEMA } from '../../functions/core/store/table-schema';
import { routeList } from '../../functions/routes';
import { AUTHORIZERS } from '../../lib/authorizers';
import { ownFunctions, referencedId, referencedIds } from '../support/template-functions';
import { EXTERNAL_OIDC } from '../support/synth-configurations';
import { useSynthesis } from '../support/synthesis';

/**
 * Template assertions on the Datagate stack, its route stacks merged in (test/support/synthesis.ts):
 * the run's one synthesis, whose default configuration bundled every function with esbuild.
 */

const synthesis = useSynthesis();

// CloudFormation JSON is untyped; these helpers read it structurally.
type Json = any;
type Resources = Record<string, Json>;

const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** Logical id of the only resource of a type. */
function onlyId(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/** The Lambda function a value (integration URI, authorizer URI) points to. */
function functionIdIn(template: Template, value: Json): string {
  const functions = template.findResources('AWS::Lambda::Function');
  const ids = [...referencedIds(value)].filter((id) => id in functions);
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

/** Full path (`/admin/orgs/{orgId}`) of every AWS::ApiGateway::Resource, by logical id. */
function resourcePaths(template: Template): Map<string, string> {
  const resources: Resources = template.findResources('AWS::ApiGateway::Resource');
  const paths = new Map<string, string>();
  const pathOf = (id: string): string => {
    const known = paths.get(id);
    if (known) return known;
    const { ParentId, PathPart } = resources[id].Properties;
    const parent = referencedId(ParentId)!;
    const parentPath = parent in resources ? pathOf(parent) : ''; // else the API's root resource
    const full = `${parentPath}/${PathPart}`;
    paths.set(id, full);
    return full;
  };
  for (const id of Object.keys(resources)) pathOf(id);
  return paths;
}

/** Every IAM action the execution role of a function is allowed, with the statement resources. */
function allowedStatements(template: Template, functionId: string): { actions: string[]; resource: Json; condition?: Json }[] {
  const functions: Resources = template.findResources('AWS::Lambda::Function');
  const roleId = referencedId(functions[functionId].Properties.Role)!;
  const policies: Resources = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy) => policy.Properties.Roles.some((role: Json) => referencedId(role) === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Json[])
    .filter((statement) => statement.Effect === 'Allow')
    .map((statement) => ({
      actions: [statement.Action].flat(),
      resource: statement.Resource,
      ...(statement.Condition ? { condition: statement.Condition } : {}),
    }));
}

function dynamoActions(template: Template, functionId: string): string[] {
  return allowedStatements(template, functionId)
    .flatMap((statement) => statement.actions)
    .filter((action) => action.startsWith('dynamodb:'));
}

/** Logical ids of the authorizer and its function, found by the header it reads. */
function authorizerFor(
  template: Template,
  kind: keyof typeof AUTHORIZERS,
): { authorizerId: string; functionId: string; properties: Json } {
  // The API key authorizer enforces IP allowlists: its answers are cached per key and source address.
  const source = `method.request.header.${AUTHORIZERS[kind].identityHeader}${kind === 'apiKey' ? ',context.identity.sourceIp' : ''}`;
  const matches = Object.entries(
    template.findResources('AWS::ApiGateway::Authorizer', { Properties: { IdentitySource: source } }),
  );
  expect(matches).toHaveLength(1);
  const [authorizerId, authorizer] = matches[0]!;
  return {
    authorizerId,
    functionId: functionIdIn(template, authorizer.Properties.AuthorizerUri),
    properties: authorizer.Properties,
  };
}

/** The method and function of every route, found by HTTP method and resource path. */
function deployedRoutes(template: Template) {
  const paths = resourcePaths(template);
  const methods: Resources = template.findResources('AWS::ApiGateway::Method');
  return routeList.map((route) => {
    const matches = Object.values(methods).filter(
      (method) =>
        method.Properties.HttpMethod === route.method && paths.get(referencedId(method.Properties.ResourceId)!) === route.path,
    );
    expect(matches).toHaveLength(1);
    const method = matches[0]!;
    return { route, method: method.Properties, functionId: functionIdIn(template, method.Properties.Integration.Uri) };
  });
}

function environmentOf(template: Template, functionId: string): Record<string, Json> {
  const functions: Resources = template.findResources('AWS::Lambda::Function');
  return functions[functionId].Properties.Environment?.Variables ?? {};
}

describe('Datagate stack, default configuration (Cognito user pool)', () => {
  let template: Template;

  beforeAll(() => {
    template = synthesis().template('default');
  });

  test('the table is on-demand, point-in-time recoverable, retained, keyed PK/SK with GSI1 and expires items by `ttl`', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.timeToLiveAttribute, Enabled: true },
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: 'GSI1',
            KeySchema: [
              { AttributeName: 'GSI1PK', KeyType: 'HASH' },
              { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
      },
    });
  });

  test('every row of the route table is exactly one method, on its path, behind the authorizer of its credential', () => {
    template.resourceCountIs('AWS::ApiGateway::Method', routeList.length);
    const person = authorizerFor(template, 'person').authorizerId;
    const apiKey = authorizerFor(template, 'apiKey').authorizerId;

    for (const { route, method } of deployedRoutes(template)) {
      const expected =
        route.credential === 'none'
          ? { AuthorizationType: 'NONE', AuthorizerId: undefined }
          : { AuthorizationType: 'CUSTOM', AuthorizerId: route.credential === 'person' ? person : apiKey };
      expect({
        route: route.operationId,
        AuthorizationType: method.AuthorizationType,
        AuthorizerId: referencedId(method.AuthorizerId),
      }).toEqual({
        route: route.operationId,
        ...expected,
      });
      expect(method.Integration.Type).toBe('AWS_PROXY');
    }
  });

  test('every route has its own function', () => {
    const functionIds = deployedRoutes(template).map((deployed) => deployed.functionId);
    expect(new Set(functionIds).size).toBe(routeList.length);
    // The route functions, the two authorizers and the two background workers (report worker,
    // archiver: test/infra/reports-stack.test.ts), and nothing else.
    expect(Object.keys(ownFunctions(template))).toHaveLength(routeList.length + Object.keys(AUTHORIZERS).length + 2);
  });

  test('the local token route (/local/token) is never deployed', () => {
    template.resourcePropertiesCountIs('AWS::ApiGateway::Resource', { PathPart: 'local' }, 0);
    expect([...resourcePaths(template).values()].filter((path) => path.startsWith('/local'))).toEqual([]);
  });

  test('every function runs Node.js 24 (the newest Lambda runtime) on arm64, with handler index.handler, active tracing and source maps; API functions time out at 10 s, streamed ones at 300 s', () => {
    const functions = ownFunctions(template);
    expect(Object.keys(functions).length).toBeGreaterThan(0);
    // The background workers run for minutes (their limits: test/infra/reports-stack.test.ts).
    const streamed = ['V2QueryRecentMeasurements', 'V2ContinueRecentMeasurements'];
    for (const [id, fn] of Object.entries(functions)) {
      const isWorker = id.startsWith('ReportsReportWorker') || id.startsWith('ReportsArchiver');
      if (streamed.some((name) => id.startsWith(`${name}Function`))) {
        expect({ id, timeout: fn.Properties.Timeout }).toEqual({ id, timeout: STREAMED_ROUTE_TIMEOUT_SECONDS });
        continue;
      }
      expect({ id, ...fn.Properties }).toMatchObject({
        id,
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: isWorker ? fn.Properties.Timeout : 10,
        TracingConfig: { Mode: 'Active' },
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps' } },
      });
    }
  });

  test('the streamed routes (the recent query and its continuation) stream: response-streaming invocations, responseTransferMode STREAM', () => {
    const methods: Resources = template.findResources('AWS::ApiGateway::Method');
    const streamedMethods = Object.values(methods).filter(
      (method) => method.Properties.Integration?.ResponseTransferMode === 'STREAM',
    );
    expect(streamedMethods.map((method) => method.Properties.OperationName).sort()).toEqual([
      'v2ContinueRecentMeasurements',
      'v2QueryRecentMeasurements',
    ]);
    for (const method of streamedMethods) {
      expect(JSON.stringify(method.Properties.Integration.Uri)).toContain('response-streaming-invocations');
      expect(method.Properties.Integration.TimeoutInMillis).toBe(STREAMED_ROUTE_TIMEOUT_SECONDS * 1000);
    }
  });

  test('every function logs to its own log group, kept 30 days', () => {
    const functions = ownFunctions(template);
    const logGroups: Resources = template.findResources('AWS::Logs::LogGroup');
    const used = new Set<string>();
    for (const [id, fn] of Object.entries(functions)) {
      const logGroupId = referencedId(fn.Properties.LoggingConfig?.LogGroup);
      expect({ id, logGroupId: logGroupId !== undefined && logGroupId in logGroups }).toEqual({ id, logGroupId: true });
      expect(logGroups[logGroupId!].Properties.RetentionInDays).toBe(30);
      used.add(logGroupId!);
    }
    expect(used.size).toBe(Object.keys(functions).length);
  });

  test("the api-key authorizer may only GetItem, and UpdateItem nothing but a key record's lastUsedAt", () => {
    const { functionId } = authorizerFor(template, 'apiKey');
    const tableId = onlyId(template, 'AWS::DynamoDB::Table');
    const dynamo = allowedStatements(template, functionId).filter((statement) =>
      statement.actions.some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo).toEqual([
      { actions: ['dynamodb:GetItem'], resource: { 'Fn::GetAtt': [tableId, 'Arn'] } },
      {
        actions: ['dynamodb:UpdateItem'],
        resource: { 'Fn::GetAtt': [tableId, 'Arn'] },
        condition: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APP#*'] },
          'ForAllValues:StringEquals': { 'dynamodb:Attributes': ['PK', 'SK', 'lastUsedAt'] },
          StringEqualsIfExists: { 'dynamodb:ReturnValues': 'NONE' },
        },
      },
    ]);
    expect(environmentOf(template, functionId)).toMatchObject({ TABLE_NAME: { Ref: tableId } });
  });

  test('the person authorizer has no table access', () => {
    const { functionId } = authorizerFor(template, 'person');
    expect(dynamoActions(template, functionId)).toEqual([]);
    expect(environmentOf(template, functionId)).not.toHaveProperty('TABLE_NAME');
  });

  test("each route function gets exactly its row's table access: none, read (no writes) or read/write", () => {
    const tableId = onlyId(template, 'AWS::DynamoDB::Table');
    for (const { route, functionId } of deployedRoutes(template)) {
      const actions = dynamoActions(template, functionId);
      const environment = environmentOf(template, functionId);
      const label = `${route.operationId} (${route.tableAccess})`;
      switch (route.tableAccess) {
        case 'none':
          expect({ label, actions, tableName: environment.TABLE_NAME }).toEqual({ label, actions: [], tableName: undefined });
          break;
        case 'read':
          expect({ label, writes: actions.filter((a) => WRITE_ACTIONS.includes(a)) }).toEqual({ label, writes: [] });
          expect({ label, actions }).toEqual({ label, actions: expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']) });
          expect(environment.TABLE_NAME).toEqual({ Ref: tableId });
          break;
        case 'readWrite':
          expect({ label, actions }).toEqual({ label, actions: expect.arrayContaining(['dynamodb:GetItem', ...WRITE_ACTIONS]) });
          expect(environment.TABLE_NAME).toEqual({ Ref: tableId });
          break;
      }
    }
  });

  test("only the routes that sign continuation tokens get the stack-generated secret's ARN and may read it (GetSecretValue), never its value", () => {
    const secretId = onlyId(template, 'AWS::SecretsManager::Secret');
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
    const tokenRoutes = deployedRoutes(template).filter(({ route }) => route.continuationTokens);
    expect(tokenRoutes.length).toBeGreaterThan(0);
    for (const { route, functionId } of deployedRoutes(template)) {
      const environment = environmentOf(template, functionId);
      const secretReads = allowedStatements(template, functionId).filter((statement) =>
        statement.actions.some((action) => action.startsWith('secretsmanager:')),
      );
      expect(environment).not.toHaveProperty('CONTINUATION_SECRET');
      expect(JSON.stringify(environment)).not.toContain('resolve:secretsmanager');
      if (route.continuationTokens) {
        expect([...referencedIds(environment.CONTINUATION_SECRET_ARN)]).toEqual([secretId]);
        expect(secretReads).toHaveLength(1);
        expect(secretReads[0]!.actions).toContain('secretsmanager:GetSecretValue');
        expect([...referencedIds(secretReads[0]!.resource)]).toEqual([secretId]);
      } else {
        expect({ route: route.operationId, arn: environment.CONTINUATION_SECRET_ARN, secretReads }).toEqual({
          route: route.operationId,
          arn: undefined,
          secretReads: [],
        });
      }
    }
  });

  test("only the leaked-key route learns where the secret scanner's keys are published: GitHub's, by default", () => {
    const scanning = deployedRoutes(template).filter(({ route }) => route.secretScannerKeys);
    expect(scanning.map(({ route }) => route.operationId)).toEqual(['reportLeakedKeys']);
    for (const { route, functionId } of deployedRoutes(template)) {
      const url = environmentOf(template, functionId).SECRET_SCANNER_KEYS_URL;
      expect({ route: route.operationId, url }).toEqual({
        route: route.operationId,
        url: route.secretScannerKeys ? 'https://api.github.com/meta/public_keys/secret_scanning' : undefined,
      });
    }
  });

  test('the health route has no DynamoDB permission at all', () => {
    const health = deployedRoutes(template).find((deployed) => deployed.route.path === '/health');
    expect(health).toBeDefined();
    expect(
      allowedStatements(template, health!.functionId)
        .flatMap((s) => s.actions)
        .filter((a) => a.startsWith('dynamodb:')),
    ).toEqual([]);
  });

  test('both authorizers are REQUEST authorizers reading x-api-key and Authorization', () => {
    template.resourceCountIs('AWS::ApiGateway::Authorizer', 2);
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key,context.identity.sourceIp',
    });
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.Authorization',
    });
  });

  test('a revoked API key stops working within 10 s (authorizer cache + in-function cache)', () => {
    const { functionId, properties } = authorizerFor(template, 'apiKey');
    const gatewayCacheSeconds: number = properties.AuthorizerResultTtlInSeconds;
    const functionCacheSeconds = Number(environmentOf(template, functionId).KEY_CACHE_TTL_SECONDS);
    expect(gatewayCacheSeconds).toBeLessThanOrEqual(5);
    expect(functionCacheSeconds).toBe(5);
    expect(gatewayCacheSeconds + functionCacheSeconds).toBeLessThanOrEqual(10);
  });

  test('API Gateway answers 401 (UNAUTHORIZED) and 404 (MISSING_AUTHENTICATION_TOKEN) with a JSON error code', () => {
    for (const [type, status] of [
      ['UNAUTHORIZED', '401'],
      ['MISSING_AUTHENTICATION_TOKEN', '404'],
    ] as const) {
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: status,
        ResponseTemplates: { 'application/json': Match.stringLikeRegexp('"code"') },
      });
    }
  });

  test('every gateway response of the contract is installed with its status, body, quoted headers, nosniff and a correlation id', () => {
    template.resourceCountIs('AWS::ApiGateway::GatewayResponse', Object.keys(GATEWAY_RESPONSES).length);
    for (const [type, response] of Object.entries(GATEWAY_RESPONSES)) {
      const headers: Record<string, string> = { ...GATEWAY_RESPONSE_HEADERS, ...('headers' in response ? response.headers : {}) };
      template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
        ResponseType: type,
        StatusCode: String(response.status),
        ResponseTemplates: { 'application/json': JSON.stringify(response.body) },
        ResponseParameters: {
          ...Object.fromEntries(Object.entries(headers).map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`])),
          'gatewayresponse.header.X-Correlation-Id': 'method.request.header.x-correlation-id',
        },
      });
    }
  });

  test('the API is regional, gzips answers from 1 KiB, and its v1 stage traces, meters and throttles', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', {
      Name: 'datagate',
      EndpointConfiguration: { Types: ['REGIONAL'] },
      MinimumCompressionSize: 1024,
      BinaryMediaTypes: Match.absent(),
    });
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'v1',
      TracingEnabled: true,
      MethodSettings: [Match.objectLike({ MetricsEnabled: true, ThrottlingRateLimit: 1000, ThrottlingBurstLimit: 2000 })],
    });
  });

  test('without an OIDC issuer, a Cognito user pool is created and the person authorizer trusts it', () => {
    const userPoolId = onlyId(template, 'AWS::Cognito::UserPool');
    const clientId = onlyId(template, 'AWS::Cognito::UserPoolClient');
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
      }),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { GenerateSecret: false });

    const environment = environmentOf(template, authorizerFor(template, 'person').functionId);
    expect([...referencedIds(environment.OIDC_ISSUER)]).toContain(userPoolId);
    expect(JSON.stringify(environment.OIDC_ISSUER)).toContain('cognito-idp.');
    expect(environment.OIDC_AUDIENCE).toEqual({ Ref: clientId });
    expect(JSON.stringify(environment.OIDC_JWKS_URL)).toContain('/.well-known/jwks.json');

    template.hasOutput('UserPoolId', { Value: { Ref: userPoolId } });
    template.hasOutput('UserPoolClientId', { Value: { Ref: clientId } });
    template.hasOutput('ApiUrl', {});
    template.hasOutput('TableName', {});
    template.hasOutput('OidcIssuer', {});
  });
});

describe('Datagate stack with an external OIDC issuer', () => {
  let template: Template;

  beforeAll(() => {
    template = synthesis().template('external');
  });

  test('no user pool is created and the person authorizer trusts the given issuer', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    expect(environmentOf(template, authorizerFor(template, 'person').functionId)).toMatchObject({
      OIDC_ISSUER: EXTERNAL_OIDC.issuer,
      OIDC_AUDIENCE: EXTERNAL_OIDC.audience,
      OIDC_JWKS_URL: EXTERNAL_OIDC.jwksUrl,
    });
    template.hasOutput('OidcIssuer', { Value: EXTERNAL_OIDC.issuer });
    expect(Object.keys(template.findOutputs('UserPoolId'))).toEqual([]);
  });

  test('the API Gateway stage name comes from the props', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', { StageName: 'beta' });
  });
});
