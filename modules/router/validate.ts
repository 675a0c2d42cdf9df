import { MAX_INTEGRATION_TIMEOUT_MS } from '../api/validate';
import { logRetentionRule } from '../logs/retention';
import { isIntegerIn, rule, type PropsRule } from '../validation';
import { APPCONFIG_EXTENSION_ARM64_LAYERS } from './appconfig-layers';
import type { RouterFunctionProps } from './router-function';

/** API Gateway's REST integration timeout: a router slower than this answers nobody. */
export const MAX_ROUTER_TIMEOUT_SECONDS = MAX_INTEGRATION_TIMEOUT_MS / 1000;

/**
 * Lambda names a function with up to 64 letters, digits, hyphens and underscores
 * (https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html); its role is named
 * `<function>-role`, and IAM allows 64 characters there
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html): 59 is what both allow.
 */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,59}$/;

export const ROUTER_FUNCTION_RULES: readonly PropsRule<RouterFunctionProps>[] = [
  rule({
    value: (p) => p.functionName,
    fails: (name) => !FUNCTION_NAME.test(name),
    message: (name) =>
      `function name must be 1 to 59 letters, digits, hyphens and underscores (its role adds -role within iam's 64), but ${name} was provided`,
  }),
  rule({
    value: (p) => p.reservedConcurrency,
    fails: (n) => !isIntegerIn(n, 1),
    message: (n) => `reserved concurrency must be 1 or more, but ${n} was provided`,
  }),
  rule({
    value: (p) => p.memoryMb,
    fails: (mb) => !isIntegerIn(mb, 128, 10240),
    message: (mb) => `memory must be 128 to 10240 mb, but ${mb} was provided`,
  }),
  rule({
    value: (p) => p.timeoutSeconds,
    fails: (s) => !isIntegerIn(s, 1, MAX_ROUTER_TIMEOUT_SECONDS),
    message: (s) =>
      `timeout must be 1 to ${MAX_ROUTER_TIMEOUT_SECONDS} seconds (the api integration limit), but ${s} was provided`,
  }),
  rule({
    value: (p) => p.region,
    fails: (region) => !Object.hasOwn(APPCONFIG_EXTENSION_ARM64_LAYERS, region),
    message: (region) =>
      `region must have an appconfig extension arm64 layer (${Object.keys(APPCONFIG_EXTENSION_ARM64_LAYERS).join(', ')}), but ${region} was provided`,
  }),
  logRetentionRule((p) => p.logRetentionDays),
  rule({
    value: (p) => p.appConfig.pollIntervalSeconds,
    fails: (s) => !isIntegerIn(s, 1),
    message: (s) => `appconfig poll interval must be 1 second or more, but ${s} was provided`,
  }),
];
