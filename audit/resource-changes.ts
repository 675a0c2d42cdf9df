import { isDeepStrictEqual } from 'node:util';
import type { ResourceValues, TerraformPlanJson } from './stack-json';

export type Action = 'create' | 'update' | 'replace' | 'delete';
export type Risk = 'low' | 'medium' | 'high';

export interface ResourceChange {
  readonly address: string;
  readonly type: string;
  readonly action: Action;
  /** Top-level attributes that differ (update and replace). */
  readonly attributes: readonly string[];
  readonly risk: Risk;
  readonly reason: string;
}

/**
 * Resource types Terraform replaces on any change to their configuration: their arguments are all
 * ForceNew in provider 5.100.0 (or, for endpoint configurations, named from their content).
 */
const REPLACED_ON_ANY_CHANGE = new Set([
  'aws_sagemaker_endpoint_configuration',
  'aws_sagemaker_model',
  'aws_appconfig_hosted_configuration_version',
  'aws_api_gateway_deployment',
  'aws_appconfig_deployment',
  // Provider 5.100.0 updates neither beyond its tags: a new job trains a new model; a new throughput is a new ARN.
  'aws_bedrock_custom_model',
  'aws_bedrock_provisioned_model_throughput',
]);

/**
 * Resource types whose only in-place update is their tags: Bedrock has no API that changes an
 * inference profile (CreateInferenceProfile, DeleteInferenceProfile, TagResource), so Terraform
 * replaces one on any other change, and its ARN with it.
 */
const REPLACED_UNLESS_TAGS = new Set(['aws_bedrock_inference_profile']);

/** Arguments that name a resource: changing one makes Terraform destroy and re-create it. */
const IDENTITY_ATTRIBUTES = new Set([
  'name',
  'name_prefix',
  'function_name',
  'hash_key',
  'range_key',
  'endpoint_name',
  'bucket',
  'type',
  'rest_api_id',
  'role_name',
]);

/** Stateful or traffic-bearing resources: losing one loses data or drops requests. */
const STATEFUL = new Set([
  'aws_dynamodb_table',
  'aws_kms_key',
  'aws_cloudwatch_log_group',
  'aws_sagemaker_endpoint',
  'aws_api_gateway_rest_api',
  'aws_sagemaker_model_package_group',
  // Deleting it deletes the trained model; replacing the throughput drops the model's traffic until the new one is InService.
  'aws_bedrock_custom_model',
  'aws_bedrock_provisioned_model_throughput',
]);

/**
 * Changes between two offline configurations (base and head synthesized from the same code). Both
 * plans start from an empty state, so the action is inferred: a type replaced on any change, or a
 * changed identity attribute, means replace; anything else that differs is an update.
 */
export function diffResources(
  base: ReadonlyMap<string, ResourceValues>,
  head: ReadonlyMap<string, ResourceValues>,
  context: RiskContext,
): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const [address, h] of head) {
    const b = base.get(address);
    if (!b) {
      out.push(classify({ address, type: h.type, action: 'create', attributes: [] }, context));
      continue;
    }
    const attributes = Object.keys({ ...b.values, ...h.values }).filter(
      (k) => !isDeepStrictEqual(b.values[k], h.values[k]),
    );
    if (attributes.length === 0) continue;
    const replace =
      REPLACED_ON_ANY_CHANGE.has(h.type) ||
      attributes.some((a) => IDENTITY_ATTRIBUTES.has(a)) ||
      (REPLACED_UNLESS_TAGS.has(h.type) && attributes.some((a) => a !== 'tags'));
    out.push(
      classify(
        { address, type: h.type, action: replace ? 'replace' : 'update', attributes: attributes.sort() },
        context,
      ),
    );
  }
  for (const [address, b] of base) {
    if (!head.has(address)) out.push(classify({ address, type: b.type, action: 'delete', attributes: [] }, context));
  }
  return sortChanges(out);
}

/** Changes as Terraform itself planned them, from a real `terraform show -json` plan. */
export function planResourceChanges(plan: TerraformPlanJson, context: RiskContext): ResourceChange[] {
  const out: ResourceChange[] = [];
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode === 'data') continue;
    const a = rc.change.actions;
    const action: Action | undefined =
      a.includes('delete') && a.includes('create')
        ? 'replace'
        : a.includes('create')
          ? 'create'
          : a.includes('delete')
            ? 'delete'
            : a.includes('update')
              ? 'update'
              : undefined;
    if (!action) continue;
    const before = rc.change.before ?? {};
    const after = rc.change.after ?? {};
    const attributes =
      action === 'update' || action === 'replace'
        ? Object.keys({ ...before, ...after })
            .filter((k) => !isDeepStrictEqual(before[k], after[k]))
            .sort()
        : [];
    // A real plan that carries both policies says exactly what this change grants anew; one known
    // only after apply is judged by what the change set (read from the synthesized stack) adds.
    const widened =
      rc.type === 'aws_iam_role_policy' && action === 'update' && typeof after.policy === 'string'
        ? policyResources(after.policy).filter((r) => !policyResources(before.policy).includes(r))
        : context.widenedPermissions;
    out.push(
      classify({ address: rc.address, type: rc.type, action, attributes }, { ...context, widenedPermissions: widened }),
    );
  }
  return sortChanges(out);
}

export interface RiskContext {
  readonly tier: 'development' | 'staging' | 'production';
  /** IAM resources (ARNs) the head grants that the base did not: a widened permission. */
  readonly widenedPermissions: readonly string[];
}

function classify(change: Omit<ResourceChange, 'risk' | 'reason'>, ctx: RiskContext): ResourceChange {
  const prod = ctx.tier === 'production';
  const { type, action } = change;
  const judge = (risk: Risk, reason: string): ResourceChange => ({ ...change, risk, reason });

  if (type === 'aws_sagemaker_endpoint' && (action === 'replace' || action === 'delete')) {
    return judge(
      'high',
      action === 'replace'
        ? 'endpoint replaced: requests fail until the new one is in service'
        : 'endpoint destroyed: its routes lose the fine-tuned model',
    );
  }
  if (type === 'aws_sagemaker_endpoint_configuration' && action !== 'delete') {
    return judge(
      prod ? 'medium' : 'low',
      action === 'create'
        ? 'new endpoint configuration: the endpoint rolls over to it blue/green with alarm rollback'
        : 'endpoint configuration replaced: blue/green roll-out',
    );
  }
  if (STATEFUL.has(type) && (action === 'replace' || action === 'delete')) {
    return judge(
      'high',
      `${type.replace(/^aws_/, '')} ${action === 'replace' ? 'replaced' : 'destroyed'}: its data or traffic is lost`,
    );
  }
  if (
    type === 'aws_iam_role_policy' &&
    action !== 'delete' &&
    action !== 'create' &&
    ctx.widenedPermissions.length > 0
  ) {
    return judge(
      'high',
      `permission widened: ${ctx.widenedPermissions.length} new resource${ctx.widenedPermissions.length === 1 ? '' : 's'} granted`,
    );
  }
  if (type === 'aws_iam_role_policy' || type === 'aws_iam_role') {
    return judge(
      action === 'create' ? 'medium' : 'low',
      action === 'create' ? 'new permissions' : `permissions ${action === 'delete' ? 'removed' : 'changed'}`,
    );
  }
  if (type === 'aws_appconfig_hosted_configuration_version') {
    return judge(
      prod ? 'high' : 'medium',
      `${prod ? 'production ' : ''}routing table changed: AppConfig rolls it out with alarm rollback`,
    );
  }
  if (type === 'aws_bedrock_inference_profile' && action === 'replace')
    return judge(
      'medium',
      `replaced (${change.attributes.join(', ')}): a new ARN, which the AppConfig routing table and the router's and workflows' policies take in the same apply; its tags carry the cost history on`,
    );
  if (action === 'delete') return judge('medium', 'destroyed');
  if (action === 'replace') return judge('medium', `replaced (${change.attributes.join(', ') || 'new content'})`);
  return judge('low', action === 'create' ? 'created' : `updated (${change.attributes.join(', ')})`);
}

/** Every resource an IAM policy JSON allows. */
function policyResources(policy: unknown): string[] {
  try {
    const doc = JSON.parse(String(policy)) as {
      Statement?:
        { Effect?: string; Resource?: string | string[] } | { Effect?: string; Resource?: string | string[] }[];
    };
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return statements
      .filter((s) => s.Effect !== 'Deny')
      .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : s.Resource ? [s.Resource] : []));
  } catch {
    return [];
  }
}

/** Highest risk first. */
export const RISK_ORDER: Readonly<Record<Risk, number>> = { high: 0, medium: 1, low: 2 };

function sortChanges(changes: ResourceChange[]): ResourceChange[] {
  return changes.sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk] || a.address.localeCompare(b.address));
}
