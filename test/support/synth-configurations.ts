import type { DatagateStackProps } from '../../lib/datagate-stack';

/**
 * The configurations the infra tests read, synthesized side by side in ONE app (each a stage
 * of its own, so the app also proves stages do not collide), once per Jest run
 * (test/support/synthesis.ts). Only `default` is bundled: it is what `cdk synth` deploys, and
 * its bundles are the ones test/infra/deployed-bundles.test.ts runs.
 */

export const EXTERNAL_OIDC = {
  issuer: 'https://login.example.com/realms/datagate',
  audience: 'datagate-console',
  jwksUrl: 'https://login.example.com/realms/datagate/protocol/openid-connect/certs',
};

export const EXTERNAL_SIGN_IN = {
  authorizeUrl: 'https://login.example.com/realms/datagate/protocol/openid-connect/auth',
  tokenUrl: 'https://login.example.com/realms/datagate/protocol/openid-connect/token',
  logoutUrl: 'https://login.example.com/realms/datagate/protocol/openid-connect/logout',
  clientId: 'datagate-console',
};

export const API_DOMAIN = {
  domainName: 'api.example.org',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c',
};

export const CONSOLE_DOMAIN = {
  domainName: 'console.example.org',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc',
};

export const LIMIT_DEFAULTS = { requestsPerSecond: 7, burst: 9, requestsPerDay: 1234 };

export const CONFIGURATIONS = {
  /** What `cdk synth` makes with no context: the default stage, a Cognito user pool. Bundled. */
  default: { stage: undefined, props: {} },
  /** An operator's usual settings: an alarm email and a custom domain for the API. */
  ops: { stage: 'ops', props: { alarmEmail: 'ops@example.org', customDomain: API_DOMAIN } },
  /** Every other setting away from its default: an external issuer and the rest. */
  external: {
    stage: 'external',
    props: {
      oidc: EXTERNAL_OIDC,
      consoleSignIn: EXTERNAL_SIGN_IN,
      consoleDomain: CONSOLE_DOMAIN,
      apiStageName: 'beta',
      apiGatewayCloudWatchRole: false,
      applicationLimitDefaults: LIMIT_DEFAULTS,
      archiveRetentionDays: 3650,
    },
  },
} satisfies Record<string, { stage: string | undefined; props: DatagateStackProps }>;

export type ConfigurationName = keyof typeof CONFIGURATIONS;
