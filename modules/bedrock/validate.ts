import { eachRule, rule, type PropsRule } from '../validation';
import type { ApplicationInferenceProfileProps } from './application-profile';
import type { ApplicationProfileAccessProps } from './application-profile-access';
import type { BedrockModelAccessProps } from './model-access';

export const BEDROCK_MODEL_ACCESS_RULES: readonly PropsRule<BedrockModelAccessProps>[] = [
  rule({
    value: (p) => p.invocations.filter((i) => i.foundationModelArns.length === 0).length,
    fails: (n) => n > 0,
    message: (n) =>
      `every invocation must name at least one foundation-model arn, but ${n} with none ${n === 1 ? 'was' : 'were'} provided`,
  }),
  eachRule({
    each: (p) => [
      ...p.invocations.flatMap((i) => [
        ...(i.profileArn === undefined ? [] : [i.profileArn]),
        ...i.foundationModelArns,
      ]),
      ...(p.guardrailArns ?? []),
    ],
    fails: (arns) => arns.some((a) => a.includes('*')),
    message: (arns) =>
      `model and guardrail arns must be exact, but ${arns.filter((a) => a.includes('*')).join(', ')} was provided`,
  }),
  rule({
    value: (p) => ({
      profiles: p.invocations.some((i) => (i.applicationProfileArns ?? []).length > 0),
      prefix: p.applicationProfilePolicyPrefix,
    }),
    fails: ({ profiles, prefix }) => profiles && prefix === undefined,
    message: () =>
      'invocations through application inference profiles need the application profile policy prefix (their managed policies), but none was provided',
  }),
];

/** CopyFrom's pattern (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_InferenceProfileModelSource.html). */
const COPY_FROM =
  /^arn:aws(|-us-gov|-cn|-iso|-iso-b):bedrock:[0-9a-z-]{0,20}:([0-9]{12})?:(inference-profile|foundation-model)\/[a-zA-Z0-9-:.]+$/;
/** Inference profile names (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateInferenceProfile.html). */
const PROFILE_NAME = /^([0-9a-zA-Z:.][ _-]?)+$/;

export const APPLICATION_PROFILE_RULES: readonly PropsRule<ApplicationInferenceProfileProps>[] = [
  rule({
    value: (p) => p.copyFromArn,
    fails: (arn) => !COPY_FROM.test(arn),
    message: (arn) => `copy from must be a foundation-model or system inference-profile arn, but ${arn} was provided`,
  }),
  rule({
    value: (p) => p.profileName,
    fails: (name) => name.length > 64 || !PROFILE_NAME.test(name),
    message: (name) =>
      `profile name must be 1 to 64 letters, digits, colons and dots, each optionally followed by one space, underscore or hyphen, but ${name} was provided`,
  }),
];

/** Profiles per managed policy: 50 ARNs of at most 95 characters stay well inside IAM's 6,144 characters per managed policy. */
export const PROFILES_PER_POLICY = 50;
/** IAM's default quota of managed policies attached to one role (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
export const MAX_ATTACHED_POLICIES = 10;

/** Managed policy names (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html), with room for `-<n>`. */
const MANAGED_POLICY_PREFIX = /^[\w+=,.@-]{1,120}$/;

export const APPLICATION_PROFILE_ACCESS_RULES: readonly PropsRule<ApplicationProfileAccessProps>[] = [
  rule({
    value: (p) => p.policyNamePrefix,
    fails: (name) => !MANAGED_POLICY_PREFIX.test(name),
    message: (name) =>
      `policy name prefix must be 1 to 120 letters, digits and +=,.@_- characters, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.profileArns.length,
    fails: (n) => n === 0 || Math.ceil(n / PROFILES_PER_POLICY) > MAX_ATTACHED_POLICIES,
    message: (n) =>
      `profile arns must number 1 to ${PROFILES_PER_POLICY * MAX_ATTACHED_POLICIES} (${MAX_ATTACHED_POLICIES} attached policies of ${PROFILES_PER_POLICY}), but ${n} was provided`,
  }),
  eachRule({
    each: (p) => p.profileArns,
    fails: (arns) => arns.some((a) => a.includes('*')),
    message: (arns) => `profile arns must be exact, but ${arns.filter((a) => a.includes('*')).join(', ')} was provided`,
  }),
];
