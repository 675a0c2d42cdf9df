import type { ValidationRule } from '../validation';
import type { PlatformApiProps } from './platform-api';

const positive = (n: number) => Number.isFinite(n) && n > 0;

export const PLATFORM_API_RULES: readonly ValidationRule<PlatformApiProps>[] = [
  {
    fails: (p) => !positive(p.throttle.rateLimit) || !Number.isInteger(p.throttle.burstLimit) || p.throttle.burstLimit < 1,
    message: (p) => `stage throttle must have a positive rate and a burst of 1 or more, but rate ${p.throttle.rateLimit} and burst ${p.throttle.burstLimit} were provided`,
  },
  {
    fails: (p) => new Set(p.consumers.map((c) => c.name)).size !== p.consumers.length,
    message: (p) => `consumer names must be unique, but ${p.consumers.map((c) => c.name).join(', ')} were provided`,
  },
  {
    fails: (p) => p.consumers.some((c) => c.throttle.rateLimit > p.throttle.rateLimit),
    message: (p) =>
      `a consumer's rate limit must not exceed the stage's ${p.throttle.rateLimit}, but ${p.consumers
        .filter((c) => c.throttle.rateLimit > p.throttle.rateLimit)
        .map((c) => `${c.name} ${c.throttle.rateLimit}`)
        .join(', ')} was provided`,
  },
  {
    fails: (p) => p.integrationTimeoutMs !== undefined && (p.integrationTimeoutMs < 50 || p.integrationTimeoutMs > 29000),
    message: (p) => `integration timeout must be 50 to 29000 ms, but ${p.integrationTimeoutMs} was provided`,
  },
  {
    fails: (p) => p.waf !== undefined && (!Number.isInteger(p.waf.rateLimitPer5Minutes) || p.waf.rateLimitPer5Minutes < 10),
    message: (p) => `waf rate limit must be 10 or more requests per 5 minutes, but ${p.waf?.rateLimitPer5Minutes} was provided`,
  },
];
