import { App } from 'aws-cdk-lib';
import { DatagateStack, type CustomDomainSettings, type OidcSettings } from '../lib/datagate-stack';
import { addNagChecks } from '../lib/nag-acknowledgments';
import type { ConsoleSignIn } from '../lib/console-hosting';
import { ensureConsoleBuilt } from '../lib/local/console-build';
import { stageNames } from '../lib/stages';

/**
 * The CDK app. Environment-agnostic: account and region come from the deploying credentials.
 *
 * Context (all optional):
 *   -c oidcIssuer=... -c oidcAudience=... -c oidcJwksUrl=...  an existing OIDC issuer for people
 *      (all three or none; with none, the stack creates a Cognito user pool)
 *   -c stage=dev                                              a deployment stage: separately named stacks, API,
 *      table, user pool, buckets, queues, alarms and web ACL beside the other stages (lib/stages.ts);
 *      without it, the default stage (stack Datagate, as before stages existed)
 *   -c apiStageName=v1                                        the API Gateway stage (the execute-api URL's first segment)
 *   -c domainName=api.example.org -c certificateArn=arn:...   a custom domain mapped at the root
 *      (both or none; the certificate is an ACM certificate in the stack's region)
 *   -c alarmEmail=ops@example.org                             subscribe an address to the alarms
 *   -c apiGatewayCloudWatchRole=false                         the account already has API Gateway's
 *      CloudWatch role set (by default the stack sets one; docs/operations.md)
 *   -c defaultRequestsPerSecond=10 -c defaultBurst=20 -c defaultRequestsPerDay=100000
 *      the limits of applications whose owner set none (all three together)
 *   -c consoleAuthorizeUrl=... -c consoleTokenUrl=... -c consoleLogoutUrl=... -c consoleClientId=...
 *      with an existing issuer: the admin console's sign-in (authorization code + PKCE, public client)
 *   -c cognitoDomainPrefix=datagate-...                       the managed login's Cognito domain prefix
 *   -c consoleDomainName=... -c consoleCertificateArn=...     a custom domain for the console (ACM, us-east-1)
 *   -c archiveRetentionDays=3650                              days the S3 archive keeps measurements (default: keep)
 *
 * cdk-nag (AwsSolutions and Serverless packs) checks the app at synthesis; a finding fails it.
 */

const app = new App();

function contextString(name: string): string | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`Context value ${name} must be a string.`);
  return value;
}

function oidcFromContext(): OidcSettings | undefined {
  const issuer = contextString('oidcIssuer');
  const audience = contextString('oidcAudience');
  const jwksUrl = contextString('oidcJwksUrl');
  if (issuer && audience && jwksUrl) return { issuer, audience, jwksUrl };
  if (issuer || audience || jwksUrl) {
    throw new Error('Give all three of oidcIssuer, oidcAudience and oidcJwksUrl, or none (a Cognito user pool is then created).');
  }
  return undefined;
}

function archiveRetentionFromContext(): number | undefined {
  const raw: unknown = app.node.tryGetContext('archiveRetentionDays');
  if (raw === undefined || raw === null || raw === '') return undefined;
  const days = Number(raw);
  if (!Number.isInteger(days) || days < 1)
    throw new Error('Context value archiveRetentionDays must be a whole number of days, at least 1.');
  return days;
}

function customDomainFromContext(): CustomDomainSettings | undefined {
  const domainName = contextString('domainName');
  const certificateArn = contextString('certificateArn');
  if (domainName && certificateArn) return { domainName, certificateArn };
  if (domainName || certificateArn) throw new Error('Give both domainName and certificateArn, or neither.');
  return undefined;
}

function contextBoolean(name: string): boolean | undefined {
  const value: unknown = app.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new Error(`Context value ${name} must be true or false.`);
}

function limitDefaultsFromContext(): { requestsPerSecond: number; burst: number; requestsPerDay: number } | undefined {
  const names = ['defaultRequestsPerSecond', 'defaultBurst', 'defaultRequestsPerDay'] as const;
  const values = names.map((name) => contextString(name));
  if (values.every((value) => value === undefined)) return undefined;
  const numbers = values.map(Number);
  if (numbers.some((value) => !Number.isInteger(value) || value < 1)) {
    throw new Error('Give defaultRequestsPerSecond, defaultBurst and defaultRequestsPerDay together, as whole numbers.');
  }
  return { requestsPerSecond: numbers[0]!, burst: numbers[1]!, requestsPerDay: numbers[2]! };
}

function consoleSignInFromContext(): ConsoleSignIn | undefined {
  const authorizeUrl = contextString('consoleAuthorizeUrl');
  const tokenUrl = contextString('consoleTokenUrl');
  const logoutUrl = contextString('consoleLogoutUrl');
  const clientId = contextString('consoleClientId');
  if (authorizeUrl && tokenUrl && logoutUrl && clientId) return { authorizeUrl, tokenUrl, logoutUrl, clientId };
  if (authorizeUrl || tokenUrl || logoutUrl || clientId) {
    throw new Error('Give all four of consoleAuthorizeUrl, consoleTokenUrl, consoleLogoutUrl and consoleClientId, or none.');
  }
  return undefined;
}

function consoleDomainFromContext(): { domainName: string; certificateArn: string } | undefined {
  const domainName = contextString('consoleDomainName');
  const certificateArn = contextString('consoleCertificateArn');
  if (domainName && certificateArn) return { domainName, certificateArn };
  if (domainName || certificateArn) throw new Error('Give both consoleDomainName and consoleCertificateArn, or neither.');
  return undefined;
}

// The stack uploads the built console: build it when missing or stale.
ensureConsoleBuilt();

const names = stageNames(contextString('stage'));
new DatagateStack(app, names.stackName, {
  stackName: names.stackName,
  stage: names.stage,
  description: 'Datagate: API keys for external software to air-quality data.',
  oidc: oidcFromContext(),
  apiStageName: contextString('apiStageName'),
  customDomain: customDomainFromContext(),
  alarmEmail: contextString('alarmEmail'),
  apiGatewayCloudWatchRole: contextBoolean('apiGatewayCloudWatchRole'),
  applicationLimitDefaults: limitDefaultsFromContext(),
  secretScannerKeysUrl: contextString('secretScannerKeysUrl'),
  consoleSignIn: consoleSignInFromContext(),
  cognitoDomainPrefix: contextString('cognitoDomainPrefix'),
  consoleDomain: consoleDomainFromContext(),
  archiveRetentionDays: archiveRetentionFromContext(),
});
addNagChecks(app);
