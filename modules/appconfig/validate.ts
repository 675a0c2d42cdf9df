import { isIntegerIn, rule, type PropsRule } from '../validation';
import type { RoutingConfigProps } from './routing-config';

/** AppConfig checks a JSON_SCHEMA validator against draft-04 only. */
const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';
/** A validator's content, at most (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_Validator.html). */
const MAX_VALIDATOR_CHARACTERS = 32_768;
/** Alarm monitors per environment (https://docs.aws.amazon.com/appconfig/2019-10-09/APIReference/API_CreateEnvironment.html). */
const MAX_MONITORS = 5;

function schemaDialect(schemaJson: string): string | undefined {
  try {
    const parsed = JSON.parse(schemaJson) as { $schema?: unknown };
    return typeof parsed.$schema === 'string' ? parsed.$schema : undefined;
  } catch {
    return 'not json';
  }
}

export const ROUTING_CONFIG_RULES: readonly PropsRule<RoutingConfigProps>[] = [
  rule({
    value: (p) => p.validatorSchemaJson,
    fails: (schema) => schemaDialect(schema) !== DRAFT_04,
    message: (schema) =>
      `validator schema must be json schema draft-04 (${DRAFT_04}), but ${schemaDialect(schema) ?? 'no $schema'} was provided`,
  }),
  rule({
    value: (p) => p.validatorSchemaJson.length,
    fails: (n) => n > MAX_VALIDATOR_CHARACTERS,
    message: (n) => `validator schema must be at most ${MAX_VALIDATOR_CHARACTERS} characters, but ${n} were provided`,
  }),
  rule({
    // A list's length is known even when its elements (alarm ARNs) are tokens.
    value: (p) => p.alarmArns?.length,
    fails: (n) => n > MAX_MONITORS,
    message: (n) => `appconfig allows at most ${MAX_MONITORS} alarm monitors, but ${n} were provided`,
  }),
  rule({
    value: (p) => p.rollout.growthFactorPercent,
    fails: (pct) => !(pct >= 1 && pct <= 100),
    message: (pct) => `growth factor must be 1 to 100 percent, but ${pct} was provided`,
  }),
  rule({
    value: (p) => p.rollout.durationMinutes,
    fails: (min) => !isIntegerIn(min, 0, 1440),
    message: (min) => `deployment duration must be 0 to 1440 minutes, but ${min} was provided`,
  }),
  rule({
    value: (p) => p.rollout.finalBakeMinutes,
    fails: (min) => !isIntegerIn(min, 0, 1440),
    message: (min) => `final bake time must be 0 to 1440 minutes, but ${min} was provided`,
  }),
];
