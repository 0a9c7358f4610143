import { App, Names, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { ConsoleHosting } from './console-hosting';
import type { ReportResources } from './report-resources';

/**
 * cdk-nag: the AwsSolutions and Serverless rule packs check every stack of the app at synthesis
 * (`cdk synth`, `cdk deploy` and the infra tests); a finding fails the synthesis. cdk-nag 3 is a
 * policy validation plugin (`Validations`), not an Aspect.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/**
 * The parameter a nested stack (a route stack) reads an attribute of a construct of its parent
 * through: CDK names it `referenceto<unique id of the resource><attribute>`.
 */
function nestedReference(construct: IConstruct, attribute: string): string {
  return `referenceto${Names.uniqueId(construct.node.defaultChild!)}${attribute}`;
}

/**
 * The findings Datagate accepts, each with its reason. Findings that belong to one construct are
 * acknowledged where that construct is made (the function construct, the user pool, the API);
 * these are the ones that span the stack.
 */
export function acknowledgeStackFindings(stack: Stack, scope: { api: apigateway.RestApi; table: dynamodb.Table }): void {
  const tableId = stack.getLogicalId(scope.table.node.defaultChild as CfnElement);
  // In the stack itself, and in the route stacks, where the table's ARN is a parameter.
  for (const tableArn of [`${tableId}.Arn`, nestedReference(scope.table, 'Arn')]) {
    Validations.of(stack).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${tableArn}>/index/*]`,
      reason: "Functions that read the table query its global secondary indexes; the grant covers this table's indexes only.",
    });
  }
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The functions read the continuation-token secret at run time (5-minute cache), so an operator rotates it by putting a new value (docs/operations.md, "Rotate the continuation secret"); no rotation Lambda: a rotation ends the continuation chains in flight, which the operator times.',
  });
  Validations.of(stack).acknowledge({
    id: 'Serverless::Serverless-LambdaDLQ',
    reason:
      'Route functions and authorizers are invoked synchronously by API Gateway; the report worker is fed by SQS, whose own dead-letter queue takes the tasks that fail every retry; the archiver is an idempotent scheduled run that the next run catches up. A function dead-letter queue only receives failed asynchronous invocations, which would hold nothing useful here.',
  });
  for (const method of scope.api.methods) {
    Validations.of(method).acknowledge({
      id: 'AwsSolutions::AwsSolutions-COG4',
      reason:
        'Lambda REQUEST authorizers on purpose: applications present API keys (no Cognito identity), and people may come from any OIDC issuer, not only the Cognito pool.',
    });
    if (method.node.tryFindChild('Resource') && (method.node.defaultChild as apigateway.CfnMethod).authorizationType === 'NONE') {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason: 'A public route of the contract (health, the OpenAPI document, the API reference): it reads nothing private.',
      });
    }
  }
}

/**
 * The admin console's findings (lib/console-hosting.ts): its bucket and distribution, and the
 * Lambda function CDK's BucketDeployment runs to upload the built console, which CDK builds
 * (runtime, role and policy are CDK's, not ours).
 */
export function acknowledgeConsoleFindings(stack: Stack, consoleHosting: ConsoleHosting): void {
  Validations.of(consoleHosting.bucket).acknowledge({
    id: 'AwsSolutions::AwsSolutions-S1',
    reason:
      "The bucket holds only the console's build output (public files, rebuilt from the repository), read only by CloudFront through origin access control; the API's requests are logged by API Gateway's access log.",
  });
  const distribution = consoleHosting.distribution;
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions::AwsSolutions-CFR1',
    reason: 'Sensor organisations use the console from anywhere; there is no country to exclude.',
  });
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions::AwsSolutions-CFR2',
    reason:
      "A CloudFront web ACL must live in us-east-1, and this stack is regional. The API paths the distribution forwards pass the API stage's regional web ACL, which rate-limits them by the viewer's address (X-Forwarded-For, lib/web-acl.ts); the rest is the console's static files.",
  });
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions::AwsSolutions-CFR3',
    reason:
      "Every API request through the distribution is logged by API Gateway's access log and the handlers' request lines; the other requests fetch the console's static files, which hold nothing private.",
  });
  Validations.of(distribution).acknowledge({
    id: 'AwsSolutions::AwsSolutions-CFR4',
    reason:
      "Without a custom domain the distribution uses CloudFront's default *.cloudfront.net certificate, whose TLS policy cannot be chosen; with consoleDomain it requires TLS 1.2 (TLSv1.2_2021).",
  });

  for (const child of stack.node.children) {
    if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
    const reason =
      "CDK's BucketDeployment upload function, run once per deployment by CloudFormation: CDK builds its runtime, role and policy (read the asset bucket, write and delete in the console's bucket).";
    for (const id of [
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetBucket*]',
      'AwsSolutions::AwsSolutions-IAM5[Action::s3:GetObject*]',
      'AwsSolutions::AwsSolutions-IAM5[Action::s3:List*]',
      'AwsSolutions::AwsSolutions-IAM5[Action::s3:Abort*]',
      'AwsSolutions::AwsSolutions-IAM5[Action::s3:DeleteObject*]',
      `AwsSolutions::AwsSolutions-IAM5[Resource::<${stack.getLogicalId(consoleHosting.bucket.node.defaultChild as CfnElement)}.Arn>/*]`,
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions::AwsSolutions-L1',
      'Serverless::Serverless-LambdaLatestVersion',
      'Serverless::Serverless-LambdaTracing',
    ]) {
      Validations.of(child).acknowledge({ id, reason });
    }
  }
}

/**
 * The findings of the archive and the report worker (lib/report-resources.ts), each with its reason.
 */
export function acknowledgeReportFindings(stack: Stack, reports: ReportResources): void {
  const bucketId = stack.getLogicalId(reports.bucket.node.defaultChild as CfnElement);
  Validations.of(reports.bucket).acknowledge({
    id: 'AwsSolutions::AwsSolutions-S1',
    reason:
      'Every object is written and read by Datagate functions whose calls are logged (request logs, CloudTrail data events can be enabled by the account); report downloads use pre-signed links that expire within the hour.',
  });
  for (const prefix of ['archive', 'reports']) {
    // In the stack itself, and in the route stacks, where the bucket's ARN is a parameter.
    for (const bucketArn of [`${bucketId}.Arn`, nestedReference(reports.bucket, 'Arn')]) {
      Validations.of(stack).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketArn}>/${prefix}/*]`,
        reason: `Object keys under ${prefix}/ are made per org, datasource, day or report at run time; the grant is the narrowest prefix the function owns, never the whole bucket.`,
      });
    }
  }
  Validations.of(reports.deadLetterQueue).acknowledge({
    id: 'Serverless::Serverless-SQSRedrivePolicy',
    reason:
      'This is the dead-letter queue of the report queue: its messages are the tasks that failed every retry, kept for inspection.',
  });
  Validations.of(reports.worker.fn).acknowledge({
    id: 'Serverless::Serverless-LambdaEventSourceMappingDestination',
    reason:
      "The queue's redrive policy moves a task that failed every retry to the dead-letter queue, and the worker marks the report failed on the last retry, so no on-failure destination is needed.",
  });
  Validations.of(stack).acknowledge({
    id: 'Serverless::Serverless-EventBusDLQ',
    reason:
      'The archiver schedule only wakes an idempotent, resumable run every 10 minutes; a lost invocation is caught up by the next one, so a dead-letter queue would hold nothing useful.',
  });
}
