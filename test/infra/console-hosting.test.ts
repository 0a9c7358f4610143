import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { API_PATH_PATTERNS } from '../../lib/console-hosting';
import { CONSOLE_DOMAIN, EXTERNAL_OIDC, EXTERNAL_SIGN_IN } from '../support/synth-configurations';
import { useSynthesis } from '../support/synthesis';

/**
 * Template assertions on the console's hosting: the private bucket behind origin access
 * control, the security headers, the API behaviours on the same origin, Cognito's managed
 * login with the console's callback URLs, and the config.json written at deploy time.
 */

// CloudFormation JSON is untyped; these helpers read it structurally.
type Json = any;

// AWS managed policies, by their fixed ids.
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

const synthesis = useSynthesis();

/**
 * The config.json a configuration's deployment uploads, as staged in the cloud assembly (tokens
 * as markers): of the deployment's sources (by asset hash), the one folder holding a config.json.
 */
function stagedConfig(template: Template): Json {
  const [, deployment] = only(template, 'Custom::CDKBucketDeployment');
  const hashes = JSON.stringify(deployment.Properties.SourceObjectKeys).match(/[0-9a-f]{64}/g) ?? [];
  const outdir = synthesis().outdir;
  const folders = readdirSync(outdir).filter(
    (name) => hashes.some((hash) => name === `asset.${hash}`) && existsSync(join(outdir, name, 'config.json')),
  );
  expect(folders).toHaveLength(1);
  return JSON.parse(readFileSync(join(outdir, folders[0]!, 'config.json'), 'utf8'));
}

function only(template: Template, type: string): [string, Json] {
  // The stack's other bucket (the archive and report files, `Reports...`) is tested in reports-stack.test.ts.
  const entries = Object.entries(template.findResources(type)).filter(([id]) => !id.startsWith('Reports'));
  expect(entries).toHaveLength(1);
  return entries[0]!;
}

/** Every logical id referenced (Ref or GetAtt) anywhere inside a value. */
function referencedIds(value: Json, found = new Set<string>()): Set<string> {
  if (value && typeof value === 'object') {
    if (typeof value.Ref === 'string') found.add(value.Ref);
    if (Array.isArray(value['Fn::GetAtt'])) found.add(value['Fn::GetAtt'][0]);
    for (const child of Object.values(value)) referencedIds(child, found);
  }
  return found;
}

describe('the console in AWS (default configuration: Cognito)', () => {
  let template: Template;
  let distribution: Json;
  let distributionId: string;

  beforeAll(() => {
    template = synthesis().template('default');
    [distributionId, distribution] = only(template, 'AWS::CloudFront::Distribution');
    distribution = distribution.Properties.DistributionConfig;
  });

  test('the bucket blocks every public access and refuses requests without TLS', () => {
    const [bucketId, bucket] = only(template, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    const [, policy] = only(template, 'AWS::S3::BucketPolicy');
    expect(referencedIds(policy.Properties.Bucket)).toContain(bucketId);
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  test('CloudFront reads the bucket through origin access control, and only this distribution may', () => {
    const [oacId, oac] = only(template, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const s3Origins = distribution.Origins.filter((origin: Json) => origin.S3OriginConfig);
    expect(s3Origins).toHaveLength(1);
    expect(referencedIds(s3Origins[0].OriginAccessControlId)).toContain(oacId);
    expect(s3Origins[0].S3OriginConfig.OriginAccessIdentity).toBe('');
    const [, policy] = only(template, 'AWS::S3::BucketPolicy');
    const read = policy.Properties.PolicyDocument.Statement.find(
      (statement: Json) => statement.Principal?.Service === 'cloudfront.amazonaws.com',
    );
    expect(read.Action).toBe('s3:GetObject');
    expect(referencedIds(read.Condition)).toContain(distributionId);
    expect(distribution.DefaultRootObject).toBe('index.html');
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
  });

  test('every answer carries the security headers: a strict CSP, HSTS, nosniff, frame denial', () => {
    const [policyId, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    const headers = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(headers.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    // The token endpoint of the Cognito domain is the only other origin the console may call.
    expect(csp).toContain('amazoncognito.com');
    expect(headers.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 63072000,
      IncludeSubdomains: true,
      Override: true,
    });
    expect(headers.ContentTypeOptions).toEqual({ Override: true });
    expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    for (const behavior of [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors]) {
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
  });

  test('the API paths go to API Gateway, never cached, forwarding Authorization and x-api-key (all viewer headers but Host)', () => {
    const [restApiId] = only(template, 'AWS::ApiGateway::RestApi');
    const apiOrigin = distribution.Origins.find((origin: Json) => origin.CustomOriginConfig);
    expect(referencedIds(apiOrigin.DomainName)).toContain(restApiId);
    expect(JSON.stringify(apiOrigin.DomainName)).toContain('.execute-api.');
    expect(apiOrigin.OriginPath).toBe('/v1');
    expect(apiOrigin.CustomOriginConfig.OriginProtocolPolicy).toBe('https-only');
    expect(distribution.CacheBehaviors.map((behavior: Json) => behavior.PathPattern).sort()).toEqual(
      [...API_PATH_PATTERNS].sort(),
    );
    for (const behavior of distribution.CacheBehaviors) {
      expect(behavior).toMatchObject({
        TargetOriginId: apiOrigin.Id,
        CachePolicyId: CACHING_DISABLED,
        OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
        ViewerProtocolPolicy: 'https-only',
        AllowedMethods: expect.arrayContaining(['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS']),
      });
    }
  });

  test("Cognito's managed login runs on a Cognito domain, for a public PKCE client whose callback and sign-out URL is the console", () => {
    const [poolId] = only(template, 'AWS::Cognito::UserPool');
    const [domainId, domain] = only(template, 'AWS::Cognito::UserPoolDomain');
    expect(domain.Properties).toMatchObject({ ManagedLoginVersion: 2, UserPoolId: { Ref: poolId } });
    const [clientId, client] = only(template, 'AWS::Cognito::UserPoolClient');
    const consoleUrl = { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }, '/']] };
    expect(client.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email']),
      CallbackURLs: [consoleUrl],
      LogoutURLs: [consoleUrl],
      SupportedIdentityProviders: ['COGNITO'],
    });
    template.hasResourceProperties('AWS::Cognito::ManagedLoginBranding', {
      ClientId: { Ref: clientId },
      UseCognitoProvidedValues: true,
    });
    template.hasOutput('ConsoleUrl', { Value: consoleUrl });
    expect(referencedIds(domain)).not.toContain(clientId);
    expect(domainId).toBeDefined();
  });

  test("config.json is written at deploy time with the client id and the Cognito domain's endpoints, and the CDN forgets the old one", () => {
    const [, deployment] = only(template, 'Custom::CDKBucketDeployment');
    const [clientId] = only(template, 'AWS::Cognito::UserPoolClient');
    const [domainId] = only(template, 'AWS::Cognito::UserPoolDomain');
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    const markers = referencedIds(deployment.Properties.SourceMarkers);
    expect(markers).toContain(clientId);
    expect(markers).toContain(domainId);
    // Markers stand for the deploy-time values (domain, region, client id) inside the file.
    expect(stagedConfig(template)).toEqual({
      auth: {
        authorizeUrl: expect.stringMatching(
          /^https:\/\/<<marker:0xbaba:\d+>>\.auth\.<<marker:0xbaba:\d+>>\.amazoncognito\.com\/oauth2\/authorize$/,
        ),
        tokenUrl: expect.stringMatching(
          /^https:\/\/<<marker:0xbaba:\d+>>\.auth\.<<marker:0xbaba:\d+>>\.amazoncognito\.com\/oauth2\/token$/,
        ),
        logoutUrl: expect.stringMatching(
          /^https:\/\/<<marker:0xbaba:\d+>>\.auth\.<<marker:0xbaba:\d+>>\.amazoncognito\.com\/logout$/,
        ),
        clientId: expect.stringMatching(/^<<marker:0xbaba:\d+>>$/),
        scope: 'openid email',
      },
    });
    expect(deployment.Properties.DistributionPaths).toEqual(expect.arrayContaining(['/index.html', '/config.json']));
    expect(referencedIds(deployment.Properties.DistributionId)).toContain(distributionId);
  });
});

describe('the console in AWS with an external issuer and a custom domain', () => {
  const signIn = EXTERNAL_SIGN_IN;
  let template: Template;

  beforeAll(() => {
    // The `external` configuration: this issuer, its sign-in endpoints and the console's domain.
    template = synthesis().template('external');
    expect(EXTERNAL_OIDC.issuer).toBe('https://login.example.com/realms/datagate');
    expect(CONSOLE_DOMAIN.domainName).toBe('console.example.org');
  });

  test("the CSP allows the issuer's token endpoint, config.json carries its endpoints, and no Cognito is created", () => {
    const [, policy] = only(template, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(
      policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy,
    ).toContain("connect-src 'self' https://login.example.com;");
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    const [, deployment] = only(template, 'Custom::CDKBucketDeployment');
    expect(deployment.Properties.SourceObjectKeys).toHaveLength(2);
    expect(stagedConfig(template)).toEqual({ auth: { ...signIn, scope: 'openid email' } });
  });

  test('the distribution answers on the custom domain with its certificate (TLS 1.2 at least), and the console URL is that domain', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['console.example.org'],
        ViewerCertificate: Match.objectLike({
          AcmCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
          SslSupportMethod: 'sni-only',
          MinimumProtocolVersion: 'TLSv1.2_2021',
        }),
      }),
    });
    template.hasOutput('ConsoleUrl', { Value: 'https://console.example.org/' });
  });
});
