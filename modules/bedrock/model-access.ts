import { Construct } from 'constructs';
import { RolePolicy, sortedValues, type GrantableRole, type PolicyStatement } from '../iam/role-policy';
import { validateProps } from '../validation';
import { ApplicationProfileAccess } from './application-profile-access';
import { BEDROCK_MODEL_ACCESS_RULES } from './validate';

/** One way the router calls a Bedrock model: through a cross-Region profile, or directly. */
export interface ModelInvocationTarget {
  /** The inference profile's ARN in the calling Region. @default - a direct call to the foundation model */
  readonly profileArn?: string;
  /** The foundation-model ARNs IAM must allow: the Region's, or every destination Region of the profile. */
  readonly foundationModelArns: readonly string[];
  /**
   * Application inference profiles copied from this profile (or from the foundation model, when called
   * directly): their ARNs, Terraform references known after apply. @default []
   */
  readonly applicationProfileArns?: readonly string[];
}

export interface BedrockModelAccessProps {
  readonly role: GrantableRole;
  /** Every invocation the router may make; nothing else is allowed. */
  readonly invocations: readonly ModelInvocationTarget[];
  /** Guardrails the routes apply. @default [] */
  readonly guardrailArns?: readonly string[];
  /**
   * Where invocations carry application inference profiles: the name prefix of the managed policies
   * that grant them (ApplicationProfileAccess). @default - required when they do
   */
  readonly applicationProfilePolicyPrefix?: string;
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
 * unconditioned on foundation models the router calls directly. An application inference profile is
 * allowed with what it routes to (the same page: "When you specify an inference profile in the Resource
 * field ..., you must also specify the foundation model in each Region associated with it"): the
 * system profile it copies (still called in failover Regions and by the baked table) and the foundation
 * models in each destination Region. The models' condition names the account's application profiles of
 * that Region by pattern, not one by one: a call through an application profile is allowed only when
 * that profile is itself in the first statement's exact list, so the pattern grants no other profile,
 * and each ARN listed twice would take a per-consumer environment's router role past IAM's 10,240
 * characters for a role's inline policies
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
 */
export function bedrockStatements(
  invocations: readonly ModelInvocationTarget[],
  guardrailArns: readonly string[] = [],
  options: { readonly applicationProfilesApart?: boolean } = {},
): PolicyStatement[] {
  const unique = sortedValues;
  const statements: PolicyStatement[] = [];
  const profiles = unique(
    invocations.flatMap((i) => [
      ...(i.profileArn ? [i.profileArn] : []),
      ...(options.applicationProfilesApart ? [] : (i.applicationProfileArns ?? [])),
    ]),
  );
  if (profiles.length) statements.push({ sid: 'InvokeInferenceProfiles', actions: INVOKE, resources: profiles });

  // Foundation models reached through profiles: one statement per set of destinations, allowed only via those profiles.
  const viaProfile = new Map<string, { models: string[]; profiles: string[] }>();
  for (const i of invocations) {
    if (!i.profileArn) continue;
    const key = unique(i.foundationModelArns).join(',');
    const entry = viaProfile.get(key) ?? { models: unique(i.foundationModelArns), profiles: [] };
    entry.profiles.push(i.profileArn);
    if ((i.applicationProfileArns ?? []).length > 0) entry.profiles.push(applicationProfilesOf(i.profileArn));
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

/** The account's application inference profiles in a system profile's Region: `arn:aws:bedrock:<region>:<account>:application-inference-profile/*`. */
function applicationProfilesOf(systemProfileArn: string): string {
  const m = /^(arn:aws[a-z-]*:bedrock:[a-z0-9-]+:[0-9]{12}):inference-profile\//.exec(systemProfileArn);
  if (m === null) throw new Error(`internal error: ${systemProfileArn} is not a system inference profile ARN`);
  return `${m[1]}:application-inference-profile/*`;
}

/** Every application inference profile ARN of the invocations, once, in order. */
export function applicationProfileArnsOf(invocations: readonly ModelInvocationTarget[]): string[] {
  return sortedValues(invocations.flatMap((i) => i.applicationProfileArns ?? []));
}

/**
 * The router's Bedrock permissions, generated from its invocations and nothing wider: an inline
 * policy, and the application inference profiles in managed policies of their own (ApplicationProfileAccess says why).
 */
export class BedrockModelAccess extends Construct {
  readonly policy: RolePolicy | undefined;
  readonly applicationProfiles: ApplicationProfileAccess | undefined;

  constructor(scope: Construct, id: string, props: BedrockModelAccessProps) {
    super(scope, id);
    validateProps(this, 'BedrockModelAccess', props, BEDROCK_MODEL_ACCESS_RULES);
    const applicationProfileArns = applicationProfileArnsOf(props.invocations);
    this.applicationProfiles =
      applicationProfileArns.length > 0 && props.applicationProfilePolicyPrefix !== undefined
        ? new ApplicationProfileAccess(this, 'ApplicationProfiles', {
            role: props.role,
            policyNamePrefix: props.applicationProfilePolicyPrefix,
            profileArns: applicationProfileArns,
          })
        : undefined;
    const statements = bedrockStatements(props.invocations, props.guardrailArns ?? DEFAULTS.guardrailArns, {
      applicationProfilesApart: true,
    });
    this.policy = statements.length
      ? new RolePolicy(this, 'Resource', { role: props.role, policyName: 'bedrock-models', statements })
      : undefined;
  }
}
