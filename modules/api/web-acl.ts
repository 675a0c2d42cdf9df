import { Construct } from 'constructs';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { validateProps } from '../validation';
import { REGIONAL_WEB_ACL_RULES } from './validate';

export interface RegionalWebAclProps {
  readonly name: string;
  /** Requests from one IP per 5 minutes before it is blocked. */
  readonly rateLimitPer5Minutes: number;
  /** The API Gateway stage (or other regional resource) ARN to protect. */
  readonly resourceArn: string;
}

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

/** A regional WAFv2 web ACL: a per-IP rate limit and AWS's common rule set, associated with one resource. */
export class RegionalWebAcl extends Construct {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps) {
    super(scope, id);
    validateProps(this, 'RegionalWebAcl', props, REGIONAL_WEB_ACL_RULES);
    const acl = new Wafv2WebAcl(this, 'Resource', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rule: [
        {
          name: 'rate-limit-per-ip',
          priority: 0,
          action: { block: {} },
          // `statement` is untyped in the provider bindings (too deep to generate): Terraform's own keys.
          statement: { rate_based_statement: { limit: props.rateLimitPer5Minutes, aggregate_key_type: 'IP' } },
          visibilityConfig: visibility(`${props.name}-rate-limit`),
        },
        {
          name: 'aws-common-rule-set',
          priority: 1,
          overrideAction: { none: {} },
          // The set blocks request bodies over 8 KB (SizeRestrictions_BODY); prompts are often larger,
          // so that one rule only counts. API Gateway's own 10 MB limit still applies.
          statement: {
            managed_rule_group_statement: {
              name: 'AWSManagedRulesCommonRuleSet',
              vendor_name: 'AWS',
              rule_action_override: [{ name: 'SizeRestrictions_BODY', action_to_use: { count: {} } }],
            },
          },
          visibilityConfig: visibility(`${props.name}-common`),
        },
      ],
    });
    new Wafv2WebAclAssociation(this, 'Association', { resourceArn: props.resourceArn, webAclArn: acl.arn });
    this.webAclArn = acl.arn;
  }
}
