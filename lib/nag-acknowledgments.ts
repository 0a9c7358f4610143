import { App, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';

/**
 * cdk-nag: the AwsSolutions and Serverless rule packs check every stack of the app at synthesis
 * (`cdk synth`, `cdk deploy` and the infra tests); a finding fails the synthesis. cdk-nag 3 is a
 * policy validation plugin (`Validations`), not an Aspect.
 */
export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
}

/**
 * The findings Datagate accepts, each with its reason. Findings that belong to one construct are
 * acknowledged where that construct is made (the function construct, the user pool, the API);
 * these are the ones that span the stack.
 */
export function acknowledgeStackFindings(stack: Stack, scope: { api: apigateway.RestApi; table: dynamodb.Table }): void {
  const tableId = stack.getLogicalId(scope.table.node.defaultChild as CfnElement);
  Validations.of(stack).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
    reason: "Functions that read the table query its global secondary indexes; the grant covers this table's indexes only.",
  });
  Validations.of(stack).acknowledge({
    id: 'AwsSolutions::AwsSolutions-SMG4',
    reason:
      'The continuation-token secret reaches the functions as a deploy-time reference, so rotating it is a redeploy (docs/operations.md, "Rotate the continuation secret"), not a rotation Lambda.',
  });
  Validations.of(stack).acknowledge({
    id: 'Serverless::Serverless-LambdaDLQ',
    reason:
      'Every function is invoked synchronously by API Gateway (a route or an authorizer); a dead-letter queue only receives failed asynchronous invocations.',
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
