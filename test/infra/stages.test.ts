import { stageNames } from '../../lib/stages';
import { CONFIGURATIONS, type ConfigurationName } from '../support/synth-configurations';
import { useSynthesis } from '../support/synthesis';

/**
 * Stages (`cdk deploy -c stage=NAME`): the run's one synthesis holds three stages of Datagate in
 * one app (the default stage, `ops` and `external`), as one account and region would. No name
 * CloudFormation or a service needs unique may be the same in two of them.
 */

type Json = any;

const synthesis = useSynthesis();

/**
 * Properties that name a resource in the account and region (or in CloudWatch's metric space):
 * when set, they must differ between stages. The rest of a stage's resources are named by
 * CloudFormation after their stack.
 */
const UNIQUE_NAMES: Record<string, string[]> = {
  'AWS::ApiGateway::RestApi': ['Name'],
  'AWS::ApiGateway::DomainName': ['DomainName'],
  'AWS::Cognito::UserPool': ['UserPoolName'],
  'AWS::Cognito::UserPoolDomain': ['Domain'],
  'AWS::DynamoDB::Table': ['TableName'],
  'AWS::S3::Bucket': ['BucketName'],
  'AWS::SQS::Queue': ['QueueName'],
  'AWS::SNS::Topic': ['TopicName'],
  'AWS::Lambda::Function': ['FunctionName'],
  'AWS::IAM::Role': ['RoleName'],
  'AWS::Logs::LogGroup': ['LogGroupName'],
  'AWS::CloudWatch::Alarm': ['AlarmName'],
  'AWS::CloudWatch::Dashboard': ['DashboardName'],
  'AWS::WAFv2::WebACL': ['Name', 'VisibilityConfig.MetricName'],
  'AWS::SecretsManager::Secret': ['Name'],
  'AWS::KMS::Alias': ['AliasName'],
  'AWS::Events::Rule': ['Name'],
  'AWS::CloudFront::ResponseHeadersPolicy': ['ResponseHeadersPolicyConfig.Name'],
  'AWS::CloudFront::OriginAccessControl': ['OriginAccessControlConfig.Name'],
};

/**
 * Whether a value refers to a resource of its own stack (a Ref or GetAtt other than a pseudo
 * parameter such as AWS::AccountId): such a name differs between stacks by construction.
 */
function refersToOwnResource(value: Json): boolean {
  if (!value || typeof value !== 'object') return false;
  const target = value.Ref ?? value['Fn::GetAtt']?.[0];
  if (typeof target === 'string' && !target.startsWith('AWS::')) return true;
  return Object.values(value).some(refersToOwnResource);
}

function property(resource: Json, path: string): Json {
  return path.split('.').reduce((value, key) => value?.[key], resource.Properties);
}

/** Every unique name a stage sets (its stacks, named resources and exports), as JSON text. */
function namesOf(name: ConfigurationName): string[] {
  const { stackName, template, nested } = synthesis().stacks(name);
  const names = [`stack ${stackName}`];
  for (const json of [template, ...Object.values(nested)]) {
    for (const [id, resource] of Object.entries(json.Resources as Record<string, Json>)) {
      for (const path of UNIQUE_NAMES[resource.Type] ?? []) {
        const value = property(resource, path);
        if (value !== undefined && !refersToOwnResource(value))
          names.push(`${resource.Type} ${path} ${JSON.stringify(value)} (${id})`);
      }
    }
    for (const output of Object.values((json.Outputs ?? {}) as Record<string, Json>)) {
      if (output.Export) names.push(`export ${JSON.stringify(output.Export.Name)}`);
    }
  }
  return names;
}

describe('stages', () => {
  test('without a stage the names are those of before stages (stack Datagate, API datagate); a stage adds its name', () => {
    expect(stageNames(undefined)).toEqual({ stackName: 'Datagate', prefix: 'datagate' });
    expect(stageNames('dev')).toEqual({ stage: 'dev', stackName: 'Datagate-dev', prefix: 'datagate-dev' });
    for (const bad of ['', 'Dev', '1dev', 'dev_1', 'a'.repeat(21)])
      expect(() => stageNames(bad)).toThrow(/not a valid stage name/);
  });

  test('the default stage keeps the names of a deployment made before stages existed', () => {
    const { stackName, template } = synthesis().stacks('default');
    expect(stackName).toBe('Datagate');
    const resources = Object.values(template.Resources as Record<string, Json>);
    expect(resources.find((r) => r.Type === 'AWS::ApiGateway::RestApi').Properties.Name).toBe('datagate');
    expect(JSON.stringify(resources.find((r) => r.Type === 'AWS::Cognito::UserPoolDomain').Properties.Domain)).toBe(
      JSON.stringify({ 'Fn::Join': ['', ['datagate-', { Ref: 'AWS::AccountId' }]] }),
    );
  });

  test("a stage's stack, API, Cognito domain and web ACL metrics carry its name", () => {
    const { stackName, template } = synthesis().stacks('ops');
    expect(stackName).toBe(stageNames(CONFIGURATIONS.ops.stage).stackName);
    const resources = Object.values(template.Resources as Record<string, Json>);
    expect(resources.find((r) => r.Type === 'AWS::ApiGateway::RestApi').Properties.Name).toBe('datagate-ops');
    expect(JSON.stringify(resources.find((r) => r.Type === 'AWS::Cognito::UserPoolDomain').Properties.Domain)).toContain(
      '"datagate-ops-"',
    );
    expect(resources.find((r) => r.Type === 'AWS::WAFv2::WebACL').Properties.VisibilityConfig.MetricName).toBe(
      'Datagate-ops-api',
    );
  });

  test('stages synthesized side by side in one app share no unique name: stacks, APIs, pools, tables, buckets, queues, alarms, web ACLs, exports', () => {
    const byName = new Map<string, ConfigurationName[]>();
    for (const name of Object.keys(CONFIGURATIONS) as ConfigurationName[]) {
      for (const unique of namesOf(name)) {
        // The logical id is the same in every stage; the value is what must differ.
        const key = unique.replace(/ \([^)]*\)$/, '');
        byName.set(key, [...(byName.get(key) ?? []), name]);
      }
    }
    expect(byName.size).toBeGreaterThan(Object.keys(CONFIGURATIONS).length);
    const shared = [...byName].filter(([, stages]) => stages.length > 1);
    expect(shared).toEqual([]);
  });
});
