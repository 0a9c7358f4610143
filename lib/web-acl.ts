import { Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface DatagateWebAclProps {
  /** The API stage the web ACL protects. */
  readonly stage: apigateway.Stage;

  /**
   * Requests one client IP may send in `rateWindowSeconds` before WAF blocks it for a while.
   * Per-application limits (usage plans) come later in the chain; this stops floods before
   * they reach the authorizer.
   * @default 3000
   */
  readonly requestsPerIp?: number;

  /**
   * Window of the per-IP rate rule, in seconds (60, 120, 300 or 600).
   * @default 300
   */
  readonly rateWindowSeconds?: 60 | 120 | 300 | 600;
}

/** Names of the web ACL's rules, also its CloudWatch metric names (the dashboard and tests read them). */
export const WEB_ACL_RULES = {
  ipReputation: 'AwsIpReputation',
  common: 'AwsCommonRules',
  knownBadInputs: 'AwsKnownBadInputs',
  oversizedBody: 'OversizedBodyOutsideIngest',
  ratePerIp: 'RatePerIp',
  ratePerViewerIp: 'RatePerViewerIpViaCloudFront',
} as const;

/**
 * The header the console's CloudFront distribution adds to every request it sends to the API
 * (an origin custom header; a viewer cannot remove it). Those requests arrive from CloudFront's
 * edge addresses, shared by every viewer of an edge, so WAF counts them by the viewer's address
 * CloudFront puts in X-Forwarded-For instead of by their source address.
 */
export const CLOUDFRONT_ORIGIN_HEADER = { name: 'x-datagate-origin', value: 'console-distribution' } as const;

/** The label the common rule set's SizeRestrictions_BODY rule puts on a request whose body is over 8 KB. */
export const OVERSIZED_BODY_LABEL = 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body';

/**
 * The WAF web ACL in front of the API: AWS's IP reputation list, common rule set and known bad
 * inputs, and a rate limit per client IP: the source address of direct callers, the viewer's
 * address (X-Forwarded-For) of requests the console's CloudFront distribution forwards.
 *
 * The common rule set blocks bodies over 8 KB (SizeRestrictions_BODY), which would refuse a
 * 500-measurement ingest (about 75 KB). That rule is set to count, and a rule of ours blocks
 * what it labels unless the request is a POST to `.../measurements`, the one route that takes
 * large bodies; the ingest handler still enforces the contract's 1 MiB and 500 measurements.
 */
export class DatagateWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  /** The metric name of the whole web ACL (dimension `WebACL` of AWS/WAFV2 metrics). */
  readonly metricName: string;

  constructor(scope: Construct, id: string, props: DatagateWebAclProps) {
    super(scope, id);
    this.metricName = `${Stack.of(this).stackName}-api`;

    const managed = (
      priority: number,
      name: string,
      ruleSet: string,
      ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: ruleSet, ruleActionOverrides } },
      visibilityConfig: visibility(name),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Datagate API: AWS managed rules, large bodies only on ingest, a rate limit per IP.',
      visibilityConfig: visibility(this.metricName),
      rules: [
        managed(0, WEB_ACL_RULES.ipReputation, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: WEB_ACL_RULES.ratePerIp,
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: props.requestsPerIp ?? 3000,
              evaluationWindowSec: props.rateWindowSeconds ?? 300,
              // CloudFront's edge addresses carry many viewers: the next rule counts those per viewer.
              scopeDownStatement: { notStatement: { statement: viaCloudFront() } },
            },
          },
          visibilityConfig: visibility(WEB_ACL_RULES.ratePerIp),
        },
        {
          name: WEB_ACL_RULES.ratePerViewerIp,
          priority: 5,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              // CloudFront appends the viewer's address to X-Forwarded-For. WAF reads the first
              // address of the header: a viewer that sends its own X-Forwarded-For chooses it, so
              // this rule is flood protection, not a quota (usage plans are the per-application limit).
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
              limit: props.requestsPerIp ?? 3000,
              evaluationWindowSec: props.rateWindowSeconds ?? 300,
              scopeDownStatement: viaCloudFront(),
            },
          },
          visibilityConfig: visibility(WEB_ACL_RULES.ratePerViewerIp),
        },
        managed(2, WEB_ACL_RULES.common, 'AWSManagedRulesCommonRuleSet', [
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        managed(3, WEB_ACL_RULES.knownBadInputs, 'AWSManagedRulesKnownBadInputsRuleSet'),
        {
          name: WEB_ACL_RULES.oversizedBody,
          priority: 4,
          action: { block: {} },
          statement: {
            andStatement: {
              statements: [
                { labelMatchStatement: { scope: 'LABEL', key: OVERSIZED_BODY_LABEL } },
                { notStatement: { statement: ingestRequest() } },
              ],
            },
          },
          visibilityConfig: visibility(WEB_ACL_RULES.oversizedBody),
        },
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true };
}

/** A request the console's CloudFront distribution forwarded (its origin header, CLOUDFRONT_ORIGIN_HEADER). */
function viaCloudFront(): wafv2.CfnWebACL.StatementProperty {
  return {
    byteMatchStatement: {
      fieldToMatch: { singleHeader: { Name: CLOUDFRONT_ORIGIN_HEADER.name } },
      positionalConstraint: 'EXACTLY',
      searchString: CLOUDFRONT_ORIGIN_HEADER.value,
      textTransformations: [{ priority: 0, type: 'NONE' }],
    },
  };
}

/** A POST whose path ends in `/measurements` (the ingest route, with or without the stage prefix). */
function ingestRequest(): wafv2.CfnWebACL.StatementProperty {
  return {
    andStatement: {
      statements: [
        {
          byteMatchStatement: {
            fieldToMatch: { method: {} },
            positionalConstraint: 'EXACTLY',
            searchString: 'POST',
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
        {
          byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: 'ENDS_WITH',
            searchString: '/measurements',
            textTransformations: [{ priority: 0, type: 'NONE' }],
          },
        },
      ],
    },
  };
}
