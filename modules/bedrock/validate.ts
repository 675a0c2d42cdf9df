import { eachRule, isIntegerIn, rule, type PropsRule } from '../validation';
import type { ApplicationInferenceProfileProps } from './application-profile';
import type { ApplicationProfileAccessProps } from './application-profile-access';
import type { BedrockModelAccessProps } from './model-access';
import type { ProvisionedCustomModelProps } from './provisioned-custom-model';

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

/** Provisioned model, custom model and job names (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateProvisionedModelThroughput.html, API_CreateModelCustomizationJob.html). */
const BEDROCK_NAME = /^([0-9a-zA-Z][_-]?){1,63}$/;
const FOUNDATION_MODEL_ARN =
  /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model\/[a-z0-9-]{1,63}[.][a-z0-9.:-]+$/;
const CUSTOM_MODEL_ARN = /^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:custom-model\/.+$/;

const jobOf = (p: ProvisionedCustomModelProps) => ('job' in p.customModel ? p.customModel.job : undefined);

export const PROVISIONED_CUSTOM_MODEL_RULES: readonly PropsRule<ProvisionedCustomModelProps>[] = [
  rule({
    value: (p) => p.modelUnits,
    fails: (n) => !isIntegerIn(n, 1),
    message: (n) => `model units must be a whole number of 1 or more, but ${n} was provided`,
  }),
  eachRule({
    each: (p) => [p.provisionedModelName, ...(jobOf(p) ? [jobOf(p)!.jobName, jobOf(p)!.customModelName] : [])],
    fails: (names) => names.some((n) => !BEDROCK_NAME.test(n)),
    message: (names) =>
      `provisioned model, job and custom model names must be 1 to 63 letters and digits, each optionally followed by one underscore or hyphen, but ${names.filter((n) => !BEDROCK_NAME.test(n)).join(', ')} was provided`,
  }),
  rule({
    value: (p) => jobOf(p)?.baseModelArn,
    fails: (arn) => !FOUNDATION_MODEL_ARN.test(arn),
    message: (arn) => `base model must be a foundation-model arn, but ${arn} was provided`,
  }),
  rule({
    value: (p) => ('customModelArn' in p.customModel ? p.customModel.customModelArn : undefined),
    fails: (arn) => !CUSTOM_MODEL_ARN.test(arn),
    message: (arn) => `custom model must be a custom-model arn, but ${arn} was provided`,
  }),
  rule({
    value: (p) => jobOf(p)?.outputS3Uri,
    fails: (uri) => !/^s3:\/\/[^/]+\/(.+\/)?$/.test(uri),
    message: (uri) => `output must be an s3:// prefix ending in /, but ${uri} was provided`,
  }),
  rule({
    value: (p) => {
      const j = jobOf(p);
      return j && [j.trainingDataS3Uri, ...(j.validationDataS3Uri ? [j.validationDataS3Uri] : [])];
    },
    fails: (uris) => uris.some((u) => !/^s3:\/\/[^/]+\/.+$/.test(u)),
    message: (uris) => `training and validation data must be s3:// uris, but ${uris.join(', ')} was provided`,
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
