import { Match, type Template } from 'aws-cdk-lib/assertions';
import { useSynthesis } from '../support/synthesis';

/**
 * The archive and report resources of the stack: the bucket's protections and lifecycle, the
 * SQS engine, and what each function may do. Read from the run's one synthesis
 * (test/support/synthesis.ts), route stacks merged in.
 */

// CloudFormation JSON is untyped; these helpers read it structurally.
type Json = any;

const synthesis = useSynthesis();

/** The logical id of the Lambda function whose description starts with `prefix`. */
function functionId(template: Template, prefix: string): string {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, resource]: [string, Json]) =>
    String(resource.Properties.Description ?? '').startsWith(prefix),
  );
  expect(found).toHaveLength(1);
  return found[0]![0];
}

/** Every statement of the policies attached to the role of a function. */
function statementsOf(template: Template, fnId: string): Json[] {
  const fn: Json = template.findResources('AWS::Lambda::Function')[fnId];
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy: Json) =>
    policy.Properties.Roles.some((role: Json) => role.Ref === roleId) ? policy.Properties.PolicyDocument.Statement : [],
  );
}

const actionsOf = (statement: Json): string[] => [statement.Action].flat();
const allActions = (statements: Json[]) => new Set(statements.flatMap(actionsOf));
const resourceText = (statement: Json) => JSON.stringify(statement.Resource);

describe('archive and reports in the stack', () => {
  let template: Template;

  beforeAll(() => {
    template = synthesis().template('default');
  });

  it('the data bucket is encrypted, TLS only, never public, and report files expire', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ Prefix: 'reports/', ExpirationInDays: 7, Status: 'Enabled' })],
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('keeps the archive by default, and expires it after the retention the stack is given', () => {
    const rules = (t: Template) =>
      (Object.values(t.findResources('AWS::S3::Bucket'))[0] as Json).Properties.LifecycleConfiguration.Rules as Json[];
    expect(rules(template).some((rule) => rule.Prefix === 'archive/')).toBe(false);
    // The `external` configuration keeps the archive 3650 days.
    expect(rules(synthesis().template('external'))).toContainEqual(
      expect.objectContaining({ Prefix: 'archive/', ExpirationInDays: 3650 }),
    );
  });

  it('the engine: an encrypted SQS queue with a dead-letter queue feeds the report worker one message at a time', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 720,
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
    });
    const worker = functionId(template, 'Produces report files');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: worker },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const fn: Json = template.findResources('AWS::Lambda::Function')[worker];
    expect(fn.Properties.Timeout).toBe(600);
    expect(fn.Properties.Timeout).toBeLessThan(720);
  });

  it('the report worker may read the archive and write report files and report records, and nothing else', () => {
    const statements = statementsOf(template, functionId(template, 'Produces report files'));
    const s3 = statements.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    const puts = s3.filter((statement) => actionsOf(statement).includes('s3:PutObject'));
    expect(puts).toHaveLength(1);
    expect(resourceText(puts[0])).toContain('/reports/*');
    expect(
      s3.some((statement) => resourceText(statement).includes('/archive/*') && actionsOf(statement).join() === 's3:GetObject'),
    ).toBe(true);
    const writes = statements.filter((statement) =>
      actionsOf(statement).some((action) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(action)),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['REPORT#*'] } });
    expect(allActions(statements).has('dynamodb:DeleteItem')).toBe(false);
    expect(allActions(statements).has('sqs:SendMessage')).toBe(true);
  });

  it('the archiver runs on a schedule and writes only the archive and its own bookkeeping', () => {
    const archiver = functionId(template, 'Moves measurements into the Parquet archive');
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(10 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [archiver, 'Arn'] } })],
    });
    const statements = statementsOf(template, archiver);
    const puts = statements.filter((statement) => actionsOf(statement).includes('s3:PutObject'));
    expect(puts).toHaveLength(1);
    expect(resourceText(puts[0])).toContain('/archive/*');
    const writes = statements.filter((statement) =>
      actionsOf(statement).some((action) => /dynamodb:(Put|Update|Delete|BatchWrite)/.test(action)),
    );
    expect(writes).toHaveLength(1);
    expect(writes[0].Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['ARCHIVE'] } });
    expect(allActions(statements).has('sqs:SendMessage')).toBe(false);
  });

  it('the request route may send to the queue but not read files; the poll routes may read report files only', () => {
    const request = statementsOf(template, functionId(template, 'POST /v2/report-requests'));
    expect(allActions(request).has('sqs:SendMessage')).toBe(true);
    expect([...allActions(request)].some((action) => action.startsWith('s3:'))).toBe(false);
    for (const path of ['GET /v2/report-requests/{reportId}', 'GET /v2/report-request/{reportId}']) {
      const poll = statementsOf(template, functionId(template, path));
      const s3 = poll.filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
      expect(s3).toHaveLength(1);
      expect(actionsOf(s3[0])).toEqual(['s3:GetObject']);
      expect(resourceText(s3[0])).toContain('/reports/*');
      expect(allActions(poll).has('sqs:SendMessage')).toBe(false);
    }
  });
});
