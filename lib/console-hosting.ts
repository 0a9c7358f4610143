import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy, HSTS_SECONDS } from './console-security-headers';
import { CLOUDFRONT_ORIGIN_HEADER } from './web-acl';

/** Where the console signs people in: OAuth 2.0 endpoints of the issuer, as the console's config.json carries them. */
export interface ConsoleSignIn {
  /** Authorization endpoint (Cognito: `https://<domain>/oauth2/authorize`). */
  readonly authorizeUrl: string;
  /** Token endpoint, called by the console with `fetch` (so it is allowed by the CSP). */
  readonly tokenUrl: string;
  /** Where sign-out ends the issuer's session (Cognito: `https://<domain>/logout`). */
  readonly logoutUrl: string;
  /** The public client (no secret; PKCE). Its ID tokens' `aud` must be the API's audience. */
  readonly clientId: string;
  /** @default 'openid email' */
  readonly scope?: string;
}

export interface ConsoleHostingProps {
  /** The REST API that `/admin/*`, `/v2/*`, `/health` and `/openapi.json` go to. */
  readonly api: apigateway.RestApi;
  /** The API's stage, the origin path of the API behaviours. */
  readonly stageName: string;
  /** The built console (`npm run build:console`). */
  readonly assetPath: string;
  /** Origin of the sign-in issuer's token endpoint, allowed in the CSP's connect-src. */
  readonly authOrigin?: string;
  /**
   * A custom domain for the console (and the API paths behind it).
   * @default the distribution's own `*.cloudfront.net` name
   */
  readonly domain?: { readonly domainName: string; readonly certificateArn: string };
}

/** The console's build output (`npm run build:console`); the CDK app runs from the project root. */
export const DEFAULT_CONSOLE_DIST = join(process.cwd(), 'console', 'dist');

/** The paths CloudFront sends to API Gateway instead of the console's bucket. */
export const API_PATH_PATTERNS = ['/admin/*', '/v2/*', '/health', '/openapi.json', '/docs', '/docs/*'] as const;

/**
 * The admin console in AWS: its files in a private S3 bucket read by CloudFront through origin
 * access control, on the same origin as the API (CloudFront sends the API's paths to API
 * Gateway, never cached, with `Authorization` and `x-api-key`), so no CORS is needed. Every
 * answer carries the console's security headers. `deploy` writes the files and `config.json`.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>` without a trailing slash. */
  readonly url: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ConsoleHostingProps,
  ) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // Only build output lives here; the console is rebuilt from the repository.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Datagate console: strict CSP, HSTS, nosniff, no framing, no referrer.',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleContentSecurityPolicy(props.authOrigin), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });

    // The API by its execute-api name and stage, not RestApiOrigin: that would make the
    // distribution depend on the deployment, hence on the authorizers, whose audience is the
    // Cognito client, whose callback URL is this distribution (a cycle).
    const apiOrigin = new origins.HttpOrigin(
      `${props.api.restApiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`,
      {
        originPath: `/${props.stageName}`,
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        // Tells the API's web ACL to rate-limit by the viewer's address, not CloudFront's (web-acl.ts).
        customHeaders: { [CLOUDFRONT_ORIGIN_HEADER.name]: CLOUDFRONT_ORIGIN_HEADER.value },
      },
    );
    const apiBehavior: cloudfront.BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Never cached; with caching disabled, this managed policy forwards every viewer header
      // (Authorization and x-api-key included) and the query string, but not Host, which API
      // Gateway must see as its own name.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: securityHeaders,
      compress: true,
    };

    const certificate = props.domain && acm.Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn);
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Datagate admin console and API',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // The default *.cloudfront.net certificate has a fixed policy; a custom domain gets TLS 1.2+.
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate,
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(API_PATH_PATTERNS.map((pattern) => [pattern, apiBehavior])),
    });
    this.url = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    new CfnOutput(Stack.of(this), 'ConsoleUrl', {
      value: `${this.url}/`,
      description: 'The admin console (and the API under the same origin).',
    });
  }

  /** Uploads the built console and its `config.json` (the sign-in settings, resolved at deploy time). */
  deploy(signIn: ConsoleSignIn | undefined): void {
    if (!existsSync(this.props.assetPath)) {
      throw new Error(
        `The console is not built (${this.props.assetPath} is missing): run \`npm run build:console\` before synth or deploy.`,
      );
    }
    new s3deploy.BucketDeployment(this, 'Files', {
      destinationBucket: this.bucket,
      sources: [
        s3deploy.Source.asset(this.props.assetPath, { exclude: ['.build-stamp'] }),
        s3deploy.Source.jsonData('config.json', { auth: signIn ? { scope: 'openid email', ...signIn } : null }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      memoryLimit: 256,
    });
  }
}
