/**
 * An interpreter of the synthesized `aws_wafv2_web_acl` configuration, for the statements this
 * platform sends: rules in priority order, terminating on the first block or allow; rate-based
 * statements (per IP, or per custom header key), a managed rule group with rule action overrides,
 * label, regex (uri_path) and and/or/not statements; the default action last.
 *
 * AWS's managed rules cannot run here, so a scenario says which of the group's rules a request
 * would match: what this checks is the configuration, i.e. which action each matched rule then has
 * and what the web ACL's own rules do with the labels they add
 * (https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-processing-order.html,
 * https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-rule-group-override-options.html:
 * a rule overridden to count still adds its labels).
 */

/**
 * The core rule set's rules with their labels, as AWS documents them
 * (https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html#aws-managed-rule-groups-baseline-crs).
 * Every rule's own action is Block. Kept here, apart from the module's list, so a misspelt rule
 * name in an override is caught rather than silently ignored by WAF.
 */
export const CORE_RULE_SET: Readonly<Record<string, string>> = {
  NoUserAgent_HEADER: 'NoUserAgent_Header',
  UserAgent_BadBots_HEADER: 'BadBots_Header',
  SizeRestrictions_QUERYSTRING: 'SizeRestrictions_QueryString',
  SizeRestrictions_Cookie_HEADER: 'SizeRestrictions_Cookie_Header',
  SizeRestrictions_BODY: 'SizeRestrictions_Body',
  SizeRestrictions_URIPATH: 'SizeRestrictions_URIPath',
  EC2MetaDataSSRF_BODY: 'EC2MetaDataSSRF_Body',
  EC2MetaDataSSRF_COOKIE: 'EC2MetaDataSSRF_Cookie',
  EC2MetaDataSSRF_URIPATH: 'EC2MetaDataSSRF_URIPath',
  EC2MetaDataSSRF_QUERYARGUMENTS: 'EC2MetaDataSSRF_QueryArguments',
  GenericLFI_QUERYARGUMENTS: 'GenericLFI_QueryArguments',
  GenericLFI_URIPATH: 'GenericLFI_URIPath',
  GenericLFI_BODY: 'GenericLFI_Body',
  RestrictedExtensions_URIPATH: 'RestrictedExtensions_URIPath',
  RestrictedExtensions_QUERYARGUMENTS: 'RestrictedExtensions_QueryArguments',
  GenericRFI_QUERYARGUMENTS: 'GenericRFI_QueryArguments',
  GenericRFI_BODY: 'GenericRFI_Body',
  GenericRFI_URIPATH: 'GenericRFI_URIPath',
  CrossSiteScripting_COOKIE: 'CrossSiteScripting_Cookie',
  CrossSiteScripting_QUERYARGUMENTS: 'CrossSiteScripting_QueryArguments',
  CrossSiteScripting_BODY: 'CrossSiteScripting_Body',
  CrossSiteScripting_URIPATH: 'CrossSiteScripting_URIPath',
};
const CRS_LABEL_PREFIX = 'awswaf:managed:aws:core-rule-set:';

export interface WafRequest {
  readonly path: string;
  readonly ip: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** The managed group's rules this request matches (their inspection cannot run here). */
  readonly matchesManagedRules?: readonly string[];
  /** Requests already seen in the rate window from this request's aggregation instances (IP, key value), this one included. */
  readonly requestsInWindow?: { readonly perIp?: number; readonly perHeader?: number };
}

export interface WafVerdict {
  readonly action: 'ALLOW' | 'BLOCK';
  /** The rule that decided, or `default`. */
  readonly terminatingRule: string;
  /** For a managed group that blocked: the group's rule that did. */
  readonly terminatingManagedRule?: string;
  readonly labels: readonly string[];
  /** Rules (and `group/rule` for managed rules) that only counted. */
  readonly counted: readonly string[];
}

type Statement = Record<string, unknown>;
interface AclRule {
  name: string;
  priority: number;
  action?: Record<string, unknown>;
  override_action?: Record<string, unknown>;
  statement: Statement;
}
export interface SynthesizedWebAcl {
  default_action: Record<string, unknown>;
  rule: AclRule[];
}

const only = <T>(list: T | T[]): T => (Array.isArray(list) ? list[0] : list);
const actionOf = (a: Record<string, unknown>): string => Object.keys(a)[0];

function fails(message: string): never {
  throw new Error(`waf interpreter: ${message}`);
}

export function evaluateWebAcl(acl: SynthesizedWebAcl, request: WafRequest): WafVerdict {
  const labels: string[] = [];
  const counted: string[] = [];
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  for (const managed of request.matchesManagedRules ?? [])
    if (!(managed in CORE_RULE_SET)) fails(`${managed} is not a rule of AWSManagedRulesCommonRuleSet`);

  const matches = (s: Statement): boolean => {
    const [kind, raw] = Object.entries(s)[0] ?? fails('an empty statement');
    const body = only(raw as Statement | Statement[]);
    switch (kind) {
      case 'and_statement':
        return (body.statement as Statement[]).every(matches);
      case 'or_statement':
        return (body.statement as Statement[]).some(matches);
      case 'not_statement':
        return !matches(only(body.statement as Statement | Statement[]));
      case 'label_match_statement':
        if (body.scope !== 'LABEL') fails(`label scope ${String(body.scope)}`);
        return labels.includes(String(body.key));
      case 'regex_match_statement': {
        const field = only(body.field_to_match as Statement | Statement[]);
        if (!('uri_path' in field)) fails(`regex on ${Object.keys(field).join(', ')}`);
        return new RegExp(String(body.regex_string)).test(request.path);
      }
      case 'rate_based_statement': {
        const limit = Number(body.limit);
        if (body.aggregate_key_type === 'IP') return (request.requestsInWindow?.perIp ?? 1) > limit;
        if (body.aggregate_key_type === 'CUSTOM_KEYS') {
          const keys = body.custom_key as Statement[];
          if (keys.length !== 1 || !('header' in keys[0])) fails('custom keys other than one header');
          const name = String(only(keys[0].header as Statement | Statement[]).name).toLowerCase();
          // A request without the key's component is not counted by the rule.
          if (headers[name] === undefined) return false;
          return (request.requestsInWindow?.perHeader ?? 1) > limit;
        }
        return fails(`aggregate key type ${String(body.aggregate_key_type)}`);
      }
      default:
        return fails(`statement ${kind}`);
    }
  };

  const rules = [...acl.rule].sort((a, b) => a.priority - b.priority);
  for (const rule of rules) {
    const group = rule.statement.managed_rule_group_statement as Statement | undefined;
    if (group) {
      const g = only(group as Statement | Statement[]);
      if (g.name !== 'AWSManagedRulesCommonRuleSet' || g.vendor_name !== 'AWS')
        fails(`managed group ${String(g.name)}`);
      if (actionOf(rule.override_action ?? fails(`${rule.name} has no override_action`)) !== 'none')
        fails(`${rule.name} overrides the whole group`);
      const overrides = new Map(
        ((g.rule_action_override ?? []) as Statement[]).map((o) => {
          if (!(String(o.name) in CORE_RULE_SET))
            fails(`rule_action_override names ${String(o.name)}, not a rule of AWSManagedRulesCommonRuleSet`);
          return [String(o.name), actionOf(only(o.action_to_use as Statement | Statement[]))];
        }),
      );
      for (const managed of request.matchesManagedRules ?? []) {
        labels.push(`${CRS_LABEL_PREFIX}${CORE_RULE_SET[managed]}`);
        const action = overrides.get(managed) ?? 'block';
        if (action === 'count') counted.push(`${rule.name}/${managed}`);
        else if (action === 'block')
          return { action: 'BLOCK', terminatingRule: rule.name, terminatingManagedRule: managed, labels, counted };
        else fails(`override action ${action}`);
      }
      continue;
    }
    if (!matches(rule.statement)) continue;
    const action = actionOf(rule.action ?? fails(`${rule.name} has no action`));
    if (action === 'count') counted.push(rule.name);
    else if (action === 'block' || action === 'allow')
      return { action: action === 'block' ? 'BLOCK' : 'ALLOW', terminatingRule: rule.name, labels, counted };
    else fails(`action ${action}`);
  }
  return {
    action: actionOf(acl.default_action) === 'allow' ? 'ALLOW' : 'BLOCK',
    terminatingRule: 'default',
    labels,
    counted,
  };
}
