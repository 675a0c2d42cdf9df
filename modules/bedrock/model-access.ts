import { Construct } from 'constructs';
import { RolePolicy, type GrantableRole, type PolicyStatement } from '../iam/role-policy';
import { validateProps } from '../validation';
import { BEDROCK_MODEL_ACCESS_RULES } from './validate';

/** One way the router calls a Bedrock model: through a cross-Region profile, or directly. */
export interface ModelInvocationTarget {
  /** The inference profile's ARN in the calling Region. @default - a direct call to the foundation model */
  readonly profileArn?: string;
  /** The foundation-model ARNs IAM must allow: the Region's, or every destination Region of the profile. */
  readonly foundationModelArns: readonly string[];
}

export interface BedrockModelAccessProps {
  readonly role: GrantableRole;
  /** Every invocation the router may make; nothing else is allowed. */
  readonly invocations: readonly ModelInvocationTarget[];
  /** Guardrails the routes apply. @default [] */
  readonly guardrailArns?: readonly string[];
}

/** The optional props' defaults. */
const DEFAULTS = {
  guardrailArns: [],
} as const;

const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/**
 * The statements for exactly these invocations: `InvokeModel*` on each inference profile; on the
 * foundation models behind a profile only when called through that profile (`bedrock:InferenceProfileArn`
 * condition, https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-prereq.html);
 * unconditioned on foundation models the router calls directly.
 */
export function bedrockStatements(
  invocations: readonly ModelInvocationTarget[],
  guardrailArns: readonly string[] = [],
): PolicyStatement[] {
  const unique = (xs: readonly string[]) => [...new Set(xs)].sort();
  const statements: PolicyStatement[] = [];
  const profiles = unique(invocations.flatMap((i) => (i.profileArn ? [i.profileArn] : [])));
  if (profiles.length) statements.push({ sid: 'InvokeInferenceProfiles', actions: INVOKE, resources: profiles });

  // Foundation models reached through profiles: one statement per set of destinations, allowed only via those profiles.
  const viaProfile = new Map<string, { models: string[]; profiles: string[] }>();
  for (const i of invocations) {
    if (!i.profileArn) continue;
    const key = unique(i.foundationModelArns).join(',');
    const entry = viaProfile.get(key) ?? { models: unique(i.foundationModelArns), profiles: [] };
    entry.profiles.push(i.profileArn);
    viaProfile.set(key, entry);
  }
  [...viaProfile.values()]
    .sort((a, b) => a.models[0].localeCompare(b.models[0]))
    .forEach((e, n) =>
      statements.push({
        sid: `InvokeModelsViaProfile${n}`,
        actions: INVOKE,
        resources: e.models,
        conditions: [{ test: 'ArnLike', variable: 'bedrock:InferenceProfileArn', values: unique(e.profiles) }],
      }),
    );

  const direct = unique(invocations.flatMap((i) => (i.profileArn ? [] : i.foundationModelArns)));
  if (direct.length) statements.push({ sid: 'InvokeModelsDirectly', actions: INVOKE, resources: direct });
  if (guardrailArns.length)
    statements.push({ sid: 'ApplyGuardrails', actions: ['bedrock:ApplyGuardrail'], resources: unique(guardrailArns) });
  return statements;
}

/** The router's Bedrock permissions, generated from its invocations and nothing wider. */
export class BedrockModelAccess extends Construct {
  readonly policy: RolePolicy | undefined;

  constructor(scope: Construct, id: string, props: BedrockModelAccessProps) {
    super(scope, id);
    validateProps(this, 'BedrockModelAccess', props, BEDROCK_MODEL_ACCESS_RULES);
    const statements = bedrockStatements(props.invocations, props.guardrailArns ?? DEFAULTS.guardrailArns);
    this.policy = statements.length
      ? new RolePolicy(this, 'Resource', { role: props.role, policyName: 'bedrock-models', statements })
      : undefined;
  }
}
