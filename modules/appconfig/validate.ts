import type { ValidationRule } from '../validation';
import type { RoutingConfigProps } from './routing-config';

/** AppConfig checks a JSON_SCHEMA validator against draft-04 only. */
const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

function schemaDialect(schemaJson: string): string | undefined {
  try {
    const parsed = JSON.parse(schemaJson) as { $schema?: unknown };
    return typeof parsed.$schema === 'string' ? parsed.$schema : undefined;
  } catch {
    return 'not json';
  }
}

export const ROUTING_CONFIG_RULES: readonly ValidationRule<RoutingConfigProps>[] = [
  {
    fails: (p) => schemaDialect(p.validatorSchemaJson) !== DRAFT_04,
    message: (p) => `validator schema must be json schema draft-04 (${DRAFT_04}), but ${schemaDialect(p.validatorSchemaJson) ?? 'no $schema'} was provided`,
  },
  {
    fails: (p) => (p.alarmArns?.length ?? 0) > 5,
    message: (p) => `appconfig allows at most 5 alarm monitors, but ${p.alarmArns?.length} were provided`,
  },
  {
    fails: (p) => p.rollout.growthFactorPercent < 1 || p.rollout.growthFactorPercent > 100,
    message: (p) => `growth factor must be 1 to 100 percent, but ${p.rollout.growthFactorPercent} was provided`,
  },
  {
    fails: (p) => p.rollout.durationMinutes < 0 || p.rollout.durationMinutes > 1440,
    message: (p) => `deployment duration must be 0 to 1440 minutes, but ${p.rollout.durationMinutes} was provided`,
  },
  {
    fails: (p) => p.rollout.finalBakeMinutes < 0 || p.rollout.finalBakeMinutes > 1440,
    message: (p) => `final bake time must be 0 to 1440 minutes, but ${p.rollout.finalBakeMinutes} was provided`,
  },
];
