import { eachRule, rule, type PropsRule } from '../validation';
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
