import { isIntegerIn, rule, type PropsRule } from '../validation';
import type { EnvironmentKeyProps } from './environment-key';

/** What an alias name may hold after `alias/` (https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateAlias.html). */
const ALIAS_PART = /^[a-zA-Z0-9_-]+$/;

export const ENVIRONMENT_KEY_RULES: readonly PropsRule<EnvironmentKeyProps>[] = [
  rule({
    value: (p) => p.environment,
    fails: (env) => !ALIAS_PART.test(env),
    message: (env) =>
      `environment must be letters, digits, hyphens and underscores (it names the alias alias/fm-<environment>), but ${env} was provided`,
  }),
  rule({
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html (PendingWindowInDays)
    value: (p) => p.deletionWindowDays,
    fails: (days) => !isIntegerIn(days, 7, 30),
    message: (days) => `deletion window must be 7 to 30 days, but ${days} was provided`,
  }),
];
