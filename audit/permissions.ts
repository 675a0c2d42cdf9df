import type { IamStatement } from './stack-json';
import type { ModelAccess } from './types';

/** Actions that invoke a model or an endpoint, wildcards included. */
const INVOKE_ACTIONS =
  /^(\*|bedrock:\*|bedrock:Invoke\*?|bedrock:InvokeModel\*?|bedrock:InvokeModelWithResponseStream|sagemaker:\*|sagemaker:InvokeEndpoint\*?|sagemaker:InvokeEndpointAsync|sagemaker:InvokeEndpointWithResponseStream)$/;
/** A resource that stands for every model, profile or endpoint. */
const WILDCARD_INVOKE_RESOURCE =
  /foundation-model\/\*|inference-profile\/\*|endpoint\/\*$|provisioned-model\/\*|custom-model\/\*/;
const BEDROCK_OR_SAGEMAKER_ARN = /^arn:aws[a-z-]*:(bedrock|sagemaker):([a-z0-9-]*):[0-9]*:([a-z-]+)\//;
const ACCESS_KINDS: ReadonlySet<string> = new Set<ModelAccess['kind']>([
  'inference-profile',
  'application-inference-profile',
  'foundation-model',
  'endpoint',
  'guardrail',
  'provisioned-model',
]);
/** A provisioned model's ARN as the synthesized stack holds it: a reference Terraform resolves at apply. */
const PROVISIONED_MODEL_REFERENCE = /^\$\{aws_bedrock_provisioned_model_throughput\.[^.}]+\.provisioned_model_arn\}$/;

/** Whether a statement allows invoking a model or an endpoint. */
export function allowsInvoke(s: IamStatement): boolean {
  return s.effect === 'Allow' && s.actions.some((a) => INVOKE_ACTIONS.test(a));
}

/** The resources of an invoking statement that stand for every model, profile or endpoint. */
export function wildcardInvokeResources(s: IamStatement): string[] {
  if (!allowsInvoke(s)) return [];
  return s.resources.filter((r) => r === '*' || WILDCARD_INVOKE_RESOURCE.test(r));
}

/** An application inference profile of the stack, by the reference its ARN is written as (`${aws_bedrock_inference_profile.<name>.arn}`). */
export type StackProfiles = ReadonlyMap<string, { readonly name: string; readonly region: string }>;

/** A `${aws_bedrock_inference_profile.<name>.arn}` reference: the profile's ARN, known after apply. */
const PROFILE_REFERENCE = /^\$\{aws_bedrock_inference_profile\.[A-Za-z0-9_-]+\.arn\}$/;

/**
 * Every resource a role may invoke (or apply a guardrail on), by kind and Region, sorted by role. An
 * application inference profile of the stack, whose ARN exists only after apply, is listed by its
 * reference, with its name and Region from `profiles`.
 */
export function modelAccessOf(statements: readonly IamStatement[], profiles: StackProfiles = new Map()): ModelAccess[] {
  const out: ModelAccess[] = [];
  for (const s of statements) {
    if (!allowsInvoke(s) && !(s.effect === 'Allow' && s.actions.includes('bedrock:ApplyGuardrail'))) continue;
    const viaProfile = s.conditions.some((c) => c.variable === 'bedrock:InferenceProfileArn');
    for (const resource of s.resources)
      out.push({
        role: s.role,
        ...(s.roleName ? { roleName: s.roleName } : {}),
        ...accessKindOf(resource, profiles),
        resource: profiles.has(resource) ? `${profiles.get(resource)?.name} (${resource})` : resource,
        onlyViaProfile: viaProfile,
      });
  }
  return out.sort(
    (a, b) => a.role.localeCompare(b.role) || a.kind.localeCompare(b.kind) || a.resource.localeCompare(b.resource),
  );
}

function accessKindOf(resource: string, profiles: StackProfiles): Pick<ModelAccess, 'kind' | 'region'> {
  if (PROVISIONED_MODEL_REFERENCE.test(resource)) return { kind: 'provisioned-model', region: '' };
  if (PROFILE_REFERENCE.test(resource))
    return { kind: 'application-inference-profile', region: profiles.get(resource)?.region ?? '' };
  const arn = BEDROCK_OR_SAGEMAKER_ARN.exec(resource);
  if (!arn) return { kind: 'other', region: '' };
  const [, , region, type] = arn;
  return { kind: isAccessKind(type) ? type : 'other', region };
}

function isAccessKind(type: string): type is ModelAccess['kind'] {
  return ACCESS_KINDS.has(type);
}

/** Permissions as comparable lines: role, action and resource (with the statement's conditions noted). */
export function grantLines(statements: readonly IamStatement[]): Set<string> {
  const out = new Set<string>();
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const via = s.conditions.length ? ` [${s.conditions.map((c) => `${c.test} ${c.variable}`).join(', ')}]` : '';
    for (const a of s.actions) for (const r of s.resources) out.add(`${s.role} ${a} ${r}${via}`);
  }
  return out;
}
