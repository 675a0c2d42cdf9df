import { Construct } from 'constructs';
import { Wafv2WebAcl } from '@cdktf/provider-aws/lib/wafv2-web-acl';
import { Wafv2WebAclAssociation } from '@cdktf/provider-aws/lib/wafv2-web-acl-association';
import { validateProps } from '../validation';
import { REGIONAL_WEB_ACL_RULES } from './validate';

export interface RegionalWebAclProps {
  readonly name: string;
  /** Requests from one IP per 5 minutes before it is blocked. */
  readonly perIpLimitPer5Minutes: number;
  /** Requests with one API key per 5 minutes before it is blocked. @default - no per-key rule (no consumers) */
  readonly perApiKeyLimitPer5Minutes?: number;
  /**
   * The headers that carry a consumer's key, each rate-limited on its own (WAF skips a custom-key rule
   * for a request that lacks the key, so one rule over both would count neither kind of caller).
   * @default ['x-api-key', 'authorization'] - OpenAI clients send `Authorization: Bearer <key>`
   */
  readonly apiKeyHeaders?: readonly string[];
  /**
   * Regular expressions (WAF's regex syntax) matching the URI paths that carry prompts: on these the
   * core rule set's body rules only count. At least one.
   */
  readonly inferencePathPatterns: readonly string[];
  /** The API Gateway stage (or other regional resource) ARN to protect. */
  readonly resourceArn: string;
}

/** The optional props' defaults. */
const DEFAULTS = {
  /** API Gateway's API key header (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-key-source.html). */
  apiKeyHeaders: ['x-api-key', 'authorization'],
} as const;

/**
 * The core rule set's rules that inspect the request body
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html#aws-managed-rule-groups-baseline-crs),
 * each with the label it adds to a request it matches. A prompt is free text: code, HTML, file
 * paths, URLs and addresses such as 169.254.169.254 are what the `code` route carries, and bodies
 * are often above the 8 KB of SizeRestrictions_BODY. The router never fetches a URL or opens a
 * file from a prompt, so these rules protect nothing on the inference paths and block their traffic.
 */
export const CORE_RULE_SET_BODY_RULES = {
  SizeRestrictions_BODY: 'awswaf:managed:aws:core-rule-set:SizeRestrictions_Body',
  EC2MetaDataSSRF_BODY: 'awswaf:managed:aws:core-rule-set:EC2MetaDataSSRF_Body',
  GenericLFI_BODY: 'awswaf:managed:aws:core-rule-set:GenericLFI_Body',
  GenericRFI_BODY: 'awswaf:managed:aws:core-rule-set:GenericRFI_Body',
  CrossSiteScripting_BODY: 'awswaf:managed:aws:core-rule-set:CrossSiteScripting_Body',
} as const;

const visibility = (metricName: string) => ({
  cloudwatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const NO_TRANSFORMATION = [{ priority: 0, type: 'NONE' }];

/**
 * A regional WAFv2 web ACL, associated with one resource:
 * - a rate limit per IP and one per API key (a custom aggregation key on the key header; requests
 *   without the header are left to the per-IP rule), both blocking;
 * - AWS's core rule set, its body rules set to count: they still label what they match;
 * - a rule that blocks what those labels mark, except on the inference paths, so every other path
 *   keeps the core rule set's body protection.
 *
 * `statement` is untyped in the provider bindings (too deep to generate): Terraform's own keys,
 * as the AWS provider 5.100.0 schema names them
 * (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/wafv2_web_acl).
 */
/** Rule names by key header: the x-api-key rule keeps the name it has in deployed web ACLs. */
const RATE_RULE_NAMES: Readonly<Record<string, string>> = {
  'x-api-key': 'rate-limit-per-api-key',
  authorization: 'rate-limit-per-bearer-key',
};

export class RegionalWebAcl extends Construct {
  readonly webAclArn: string;

  constructor(scope: Construct, id: string, props: RegionalWebAclProps) {
    super(scope, id);
    validateProps(this, 'RegionalWebAcl', props, REGIONAL_WEB_ACL_RULES);
    const headers = props.apiKeyHeaders ?? DEFAULTS.apiKeyHeaders;
    const rateRules = [
      {
        name: 'rate-limit-per-ip',
        statement: { rate_based_statement: { limit: props.perIpLimitPer5Minutes, aggregate_key_type: 'IP' } },
      },
      ...(props.perApiKeyLimitPer5Minutes === undefined
        ? []
        : headers.map((header) => ({
            name: RATE_RULE_NAMES[header] ?? `rate-limit-per-${header}`,
            // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-aggregation-options.html
            statement: {
              rate_based_statement: {
                limit: props.perApiKeyLimitPer5Minutes,
                aggregate_key_type: 'CUSTOM_KEYS',
                custom_key: [{ header: { name: header, text_transformation: NO_TRANSFORMATION } }],
              },
            },
          }))),
    ];
    const inferencePath = {
      or_statement: {
        statement: props.inferencePathPatterns.map((regex) => ({
          regex_match_statement: {
            regex_string: regex,
            field_to_match: { uri_path: {} },
            text_transformation: NO_TRANSFORMATION,
          },
        })),
      },
    };
    const labelled = {
      or_statement: {
        statement: Object.values(CORE_RULE_SET_BODY_RULES).map((key) => ({
          label_match_statement: { scope: 'LABEL', key },
        })),
      },
    };
    const rules = [
      ...rateRules.map((r) => ({ ...r, action: { block: {} } })),
      {
        name: 'aws-common-rule-set',
        overrideAction: { none: {} },
        statement: {
          managed_rule_group_statement: {
            name: 'AWSManagedRulesCommonRuleSet',
            vendor_name: 'AWS',
            rule_action_override: Object.keys(CORE_RULE_SET_BODY_RULES).map((name) => ({
              name,
              action_to_use: { count: {} },
            })),
          },
        },
      },
      {
        // The body rules' verdict, applied everywhere but the inference paths (a single
        // or-of-patterns needs two or more; one pattern stands alone).
        // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-match-examples.html
        name: 'common-body-rules-off-inference-paths',
        action: { block: {} },
        statement: {
          and_statement: {
            statement: [
              labelled,
              {
                not_statement: {
                  statement: [
                    props.inferencePathPatterns.length === 1 ? inferencePath.or_statement.statement[0] : inferencePath,
                  ],
                },
              },
            ],
          },
        },
      },
    ];
    const acl = new Wafv2WebAcl(this, 'Resource', {
      name: props.name,
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rule: rules.map((r, priority) => ({ ...r, priority, visibilityConfig: visibility(`${props.name}-${r.name}`) })),
    });
    new Wafv2WebAclAssociation(this, 'Association', { resourceArn: props.resourceArn, webAclArn: acl.arn });
    this.webAclArn = acl.arn;
  }
}
