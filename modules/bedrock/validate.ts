import { eachRule, rule, type PropsRule } from '../validation';
import type { ApplicationInferenceProfileProps } from './application-profile';
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
