import { Token } from 'cdktf';
import { logRetentionRule } from '../logs/retention';
import { eachRule, isIntegerIn, rule, type PropsRule } from '../validation';
import { API_OPERATIONS } from '../../contracts/http-api';
import type { ApiThrottle, PlatformApiProps } from './platform-api';
import type { RegionalWebAclProps } from './web-acl';

/** The longest a REST API waits for its integration, by default (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html). */
export const MAX_INTEGRATION_TIMEOUT_MS = 29_000;
/**
 * The longest a streamed response may last (STREAM transfer mode: 15 minutes; its idle timeout is
 * 5 minutes on a regional endpoint). https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html
 */
export const MAX_STREAMING_INTEGRATION_TIMEOUT_MS = 900_000;

/** Stage names: alphanumerics, hyphens and underscores, at most 128 (https://docs.aws.amazon.com/apigateway/latest/api/API_CreateStage.html). */
const STAGE_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
/** The first path segment of every operation (the version, `v1`): a stage of that name would make clients call /v1/v1/... */
const PATH_PREFIXES = [...new Set(Object.values(API_OPERATIONS).map((o) => o.path[0]))];
const KEBAB_CASE = /^[a-z0-9][a-z0-9-]*$/;
/** Web ACL names (https://docs.aws.amazon.com/waf/latest/APIReference/API_CreateWebACL.html). */
const WEB_ACL_NAME = /^[\w-]{1,128}$/;
/** A rate-based rule's limit per 5 minutes (https://docs.aws.amazon.com/waf/latest/APIReference/API_RateBasedStatement.html). */
const WAF_RATE_LIMIT = { min: 10, max: 2_000_000_000 };

const badThrottle = (t: ApiThrottle) =>
  !(Number.isFinite(t.rateLimit) && t.rateLimit > 0) || !isIntegerIn(t.burstLimit, 1);

export const PLATFORM_API_RULES: readonly PropsRule<PlatformApiProps>[] = [
  {
    // The OpenAPI document names the functions by the ARNs their names give (platform-api.ts says why).
    check: (p) => {
      const tokens = [
        ['handler', p.handler.functionName],
        ['streaming handler', p.streamingHandler.functionName],
        ['authorizer', p.authorizer?.functionName],
      ].filter(([, name]) => name !== undefined && Token.isUnresolved(name));
      return tokens.length === 0
        ? undefined
        : `function names must be written out, not resource attributes (the OpenAPI body names each function by the ARN its name gives), but the ${tokens.map(([what]) => what).join(', ')} name was a token`;
    },
  },
  rule({
    value: (p) => p.stageName,
    fails: (name) => !STAGE_NAME.test(name),
    message: (name) => `stage name must be 1 to 128 letters, digits, hyphens and underscores, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.stageName,
    fails: (name) => (PATH_PREFIXES as readonly string[]).includes(name),
    message: (name) =>
      `stage name must differ from the operations' path prefix ${PATH_PREFIXES.join(', ')} (clients would call /${name}/${name}/...), but ${name} was provided`,
  }),
  rule({
    value: (p) => p.throttle,
    fails: badThrottle,
    message: (t) =>
      `stage throttle must have a positive rate and a burst of 1 or more, but rate ${t.rateLimit} and burst ${t.burstLimit} were provided`,
  }),
  eachRule({
    each: (p) => p.consumers.map((c) => c.name),
    fails: (names) => names.some((n) => !KEBAB_CASE.test(n)),
    message: (names) =>
      `consumer names must be kebab-case, but ${names
        .filter((n) => !KEBAB_CASE.test(n))
        .map((n) => `"${n}"`)
        .join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => p.consumers.map((c) => c.name),
    fails: (names) => new Set(names).size !== names.length,
    message: (names) => `consumer names must be unique, but ${names.join(', ')} were provided`,
  }),
  eachRule({
    each: (p) => p.consumers,
    fails: (consumers) => consumers.some((c) => badThrottle(c.throttle)),
    message: (consumers) =>
      `a consumer's throttle must have a positive rate and a burst of 1 or more, but ${consumers
        .filter((c) => badThrottle(c.throttle))
        .map((c) => `${c.name} rate ${c.throttle.rateLimit} and burst ${c.throttle.burstLimit}`)
        .join(', ')} was provided`,
  }),
  rule({
    value: (p) => ({
      stage: p.throttle.rateLimit,
      consumers: p.consumers.map((c) => ({ name: c.name, rate: c.throttle.rateLimit })),
    }),
    fails: ({ stage, consumers }) => consumers.some((c) => c.rate > stage),
    message: ({ stage, consumers }) =>
      `a consumer's rate limit must not exceed the stage's ${stage}, but ${consumers
        .filter((c) => c.rate > stage)
        .map((c) => `${c.name} ${c.rate}`)
        .join(', ')} was provided`,
  }),
  eachRule({
    each: (p) =>
      p.consumers.flatMap((c) => (c.monthlyQuota === undefined ? [] : [{ name: c.name, quota: c.monthlyQuota }])),
    fails: (quotas) => quotas.some((q) => !isIntegerIn(q.quota, 1)),
    message: (quotas) =>
      `a consumer's monthly quota must be 1 request or more, but ${quotas
        .filter((q) => !isIntegerIn(q.quota, 1))
        .map((q) => `${q.name} ${q.quota}`)
        .join(', ')} was provided`,
  }),
  logRetentionRule((p) => p.logRetentionDays),
  rule({
    value: (p) => p.integrationTimeoutMs,
    fails: (ms) => !isIntegerIn(ms, 50, MAX_INTEGRATION_TIMEOUT_MS),
    message: (ms) => `integration timeout must be 50 to ${MAX_INTEGRATION_TIMEOUT_MS} ms, but ${ms} was provided`,
  }),
  rule({
    value: (p) => p.streamingTimeoutMs,
    fails: (ms) => !isIntegerIn(ms, 50, MAX_STREAMING_INTEGRATION_TIMEOUT_MS),
    message: (ms) =>
      `streaming integration timeout must be 50 to ${MAX_STREAMING_INTEGRATION_TIMEOUT_MS} ms, but ${ms} was provided`,
  }),
];

/** A regex_match_statement's pattern, at most (https://docs.aws.amazon.com/waf/latest/APIReference/API_RegexMatchStatement.html). */
const MAX_REGEX_CHARACTERS = 512;

const badRateLimit = (limit: number) => !isIntegerIn(limit, WAF_RATE_LIMIT.min, WAF_RATE_LIMIT.max);

export const REGIONAL_WEB_ACL_RULES: readonly PropsRule<RegionalWebAclProps>[] = [
  rule({
    value: (p) => p.name,
    fails: (name) => !WEB_ACL_NAME.test(name),
    message: (name) =>
      `web acl name must be 1 to 128 letters, digits, hyphens and underscores, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.perIpLimitPer5Minutes,
    fails: badRateLimit,
    message: (limit) =>
      `waf per-ip rate limit must be ${WAF_RATE_LIMIT.min} to ${WAF_RATE_LIMIT.max} requests per 5 minutes, but ${limit} was provided`,
  }),
  rule({
    value: (p) => p.perApiKeyLimitPer5Minutes,
    fails: badRateLimit,
    message: (limit) =>
      `waf per-api-key rate limit must be ${WAF_RATE_LIMIT.min} to ${WAF_RATE_LIMIT.max} requests per 5 minutes, but ${limit} was provided`,
  }),
  rule({
    value: (p) => p.inferencePathPatterns,
    fails: (patterns) =>
      patterns.length === 0 || patterns.some((x) => x.length === 0 || x.length > MAX_REGEX_CHARACTERS),
    message: (patterns) =>
      `inference path patterns must be 1 or more regular expressions of 1 to ${MAX_REGEX_CHARACTERS} characters, but ${patterns.length} pattern(s) of ${patterns.map((x) => x.length).join(', ') || 'no'} characters were provided`,
  }),
];
