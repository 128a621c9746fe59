// Optional AWS WAF web ACL for the API stage (context `waf=true`): AWS managed rule groups for
// known-bad inputs and IP reputation, a per-IP rate rule answering 429, and a body-size rule
// that keeps public requests small while admin uploads (signed, large GeoJSON) pass.
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { ApiRoute } from '../../functions/http/routes.js';

export interface ApiFirewallProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  readonly stageName: string;
  readonly routes: readonly ApiRoute[];
  /** Requests per client IP per 5 minutes. */
  readonly rateLimitPer5Minutes: number;
  /** Bodies above this many bytes are blocked except on admin/analysis routes. */
  readonly publicMaxBodyBytes: number;
  readonly metricPrefix: string;
}

/**
 * A regular expression for a route template, matching the path as WAF sees it: with or without
 * the stage segment (`/prod/v1/...` on the execute-api URL, `/v1/...` on a custom domain).
 */
export function routePathRegex(path: string, stageName: string): string {
  const body = path
    .split('/')
    .map((part) => (/^\{.+\}$/.test(part) ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return `^(/${stageName})?${body}/?$`;
}

/** WAF allows at most 10 regular expressions per pattern set. */
const REGEXES_PER_SET = 10;

export class ApiFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiFirewallProps) {
    super(scope, id);
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`,
    });
    const managed = (
      name: string,
      priority: number,
      overrides: string[] = [],
    ): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name,
          ruleActionOverrides: overrides.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: visibility(name),
    });

    // Admin and analysis routes may carry large bodies (boundary layers); everything else is small.
    const largeBodyPaths = [
      ...new Set(
        props.routes.filter((r) => r.group !== 'public').map((r) => routePathRegex(r.path, props.stageName)),
      ),
    ];
    const patternSets: wafv2.CfnRegexPatternSet[] = [];
    for (let i = 0; i < largeBodyPaths.length; i += REGEXES_PER_SET) {
      patternSets.push(
        new wafv2.CfnRegexPatternSet(this, `LargeBodyPaths${patternSets.length}`, {
          scope: 'REGIONAL',
          description: 'Admin and analysis route paths, which may carry large bodies',
          regularExpressionList: largeBodyPaths.slice(i, i + REGEXES_PER_SET),
        }),
      );
    }
    const oversize: wafv2.CfnWebACL.StatementProperty = {
      sizeConstraintStatement: {
        fieldToMatch: { body: { oversizeHandling: 'MATCH' } },
        comparisonOperator: 'GT',
        size: props.publicMaxBodyBytes,
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    };
    const onLargeBodyPath: wafv2.CfnWebACL.StatementProperty[] = patternSets.map((set) => ({
      regexPatternSetReferenceStatement: {
        arn: set.attrArn,
        fieldToMatch: { uriPath: {} },
        textTransformations: [{ priority: 0, type: 'NONE' }],
      },
    }));
    const bodyRuleStatement: wafv2.CfnWebACL.StatementProperty =
      onLargeBodyPath.length === 0
        ? oversize
        : {
            andStatement: {
              statements: [
                oversize,
                {
                  notStatement: {
                    statement:
                      onLargeBodyPath.length === 1
                        ? onLargeBodyPath[0]!
                        : { orStatement: { statements: onLargeBodyPath } },
                  },
                },
              ],
            },
          };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'family-hub-catchments API firewall',
      visibilityConfig: visibility('all'),
      customResponseBodies: {
        tooMany: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: '/problems/too-many-requests',
            title: 'Too many requests',
            status: 429,
            detail: 'Too many requests from your address. Wait a few minutes and try again.',
          }),
        },
        tooLarge: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            type: '/problems/payload-too-large',
            title: 'Payload too large',
            status: 413,
            detail: `Request bodies above ${props.publicMaxBodyBytes} bytes are refused on this route. Split bulk lookups into batches.`,
          }),
        },
      },
      rules: [
        {
          name: 'RatePerIp',
          priority: 0,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'tooMany' } } },
          statement: { rateBasedStatement: { limit: props.rateLimitPer5Minutes, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('rate-per-ip'),
        },
        {
          name: 'PublicBodySize',
          priority: 1,
          action: { block: { customResponse: { responseCode: 413, customResponseBodyKey: 'tooLarge' } } },
          statement: bodyRuleStatement,
          visibilityConfig: visibility('public-body-size'),
        },
        managed('AWSManagedRulesAmazonIpReputationList', 2),
        // The common set's 8 KB body rule would block admin uploads; PublicBodySize replaces it.
        managed('AWSManagedRulesCommonRuleSet', 3, ['SizeRestrictions_BODY']),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 4),
      ],
    });

    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
