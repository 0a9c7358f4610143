import { App } from 'aws-cdk-lib';
import { DatagateStack, type OidcSettings } from '../lib/datagate-stack';

/**
 * The CDK app. Environment-agnostic: account and region come from the deploying credentials.
 *
 * Context (all optional):
 *   -c oidcIssuer=... -c oidcAudience=... -c oidcJwksUrl=...  an existing OIDC issuer for people
 *      (all three or none; with none, the stack creates a Cognito user pool)
 *   -c stage=v1                                               the API Gateway stage
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

new DatagateStack(app, 'Datagate', {
  stackName: 'Datagate',
  description: 'Datagate: API keys for external software to air-quality data.',
  oidc: oidcFromContext(),
  stageName: contextString('stage') ?? 'v1',
  secretScannerKeysUrl: contextString('secretScannerKeysUrl'),
});
