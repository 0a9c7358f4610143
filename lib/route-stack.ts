import { Duration, NestedStack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { RouteDefinition } from '../functions/core/http/route';
import { STREAMED_ROUTE_TIMEOUT_SECONDS } from '../functions/core/platform/limits';
import { DatagateFunction, type DatagateFunctionProps } from './datagate-function';
import { ROUTE_AREAS, type RouteArea } from './route-areas';

export interface RouteStackProps {
  readonly area: RouteArea;
  readonly api: apigateway.RestApi;
  /** The API Gateway stage name, a literal (the invoke permissions name it; see `addRoute`). */
  readonly apiStageName: string;
}

/**
 * The routes of one area (lib/route-areas.ts), in a nested stack of the application stack: each
 * route's function (with its role, policy and log group), the permission API Gateway needs to
 * invoke it, and its method on the API. The API, its path resources, authorizers, deployment and
 * stage stay in the application stack; the deployment depends on this stack, so a deployment of
 * the API always includes these methods.
 */
export class RouteStack extends NestedStack {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: RouteStackProps,
  ) {
    super(scope, id, { description: `Datagate: ${ROUTE_AREAS[props.area]}.` });
  }

  /** One row of the route table: its function and its method, behind `authorization`. */
  addRoute(
    route: RouteDefinition,
    functionProps: DatagateFunctionProps,
    authorization: Pick<apigateway.MethodOptions, 'authorizer' | 'authorizationType'>,
  ): DatagateFunction {
    const id = pascalCase(route.operationId);
    const handler = new DatagateFunction(this, id, functionProps);
    const api = this.props.api;
    // What LambdaIntegration renders (AWS_PROXY to the function's invocations path), without the
    // permission it would add: that one names the stage by its Ref, and the stage depends on the
    // deployment, which depends on this stack (a cycle). The stage's name is known, so it is spelled.
    // A streamed route (rows written as they are read) uses API Gateway's response streaming: the
    // response-streaming invocation path, no 10 MB or 29 s cap, the function gzips.
    const integration = new apigateway.AwsIntegration({
      proxy: true,
      service: 'lambda',
      path: route.streamed
        ? `2021-11-15/functions/${handler.fn.functionArn}/response-streaming-invocations`
        : `2015-03-31/functions/${handler.fn.functionArn}/invocations`,
      ...(route.streamed
        ? {
            options: {
              responseTransferMode: apigateway.ResponseTransferMode.STREAM,
              timeout: Duration.seconds(STREAMED_ROUTE_TIMEOUT_SECONDS),
            },
          }
        : {}),
    });
    handler.fn.addPermission('ApiInvoke', {
      principal: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      sourceArn: api.arnForExecuteApi(route.method, route.path.replace(/\{[^}]*\}/g, '*'), this.props.apiStageName),
    });
    new apigateway.Method(this, `${id}Method`, {
      resource: api.root.resourceForPath(route.path),
      httpMethod: route.method,
      integration,
      options: {
        operationName: route.operationId,
        ...authorization,
        // The gateway meters every /v2 request against its application's usage plan.
        apiKeyRequired: route.credential === 'apiKey',
      },
    });
    return handler;
  }
}

/** `getOpenApiDocument` → `GetOpenApiDocument`, for construct ids. */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
