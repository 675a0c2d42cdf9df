import type { ValidationRule } from '../validation';
import { APPCONFIG_EXTENSION_ARM64_LAYERS } from './appconfig-layers';
import type { RouterFunctionProps } from './router-function';

/** API Gateway's REST integration timeout: a router slower than this answers nobody. */
export const MAX_ROUTER_TIMEOUT_SECONDS = 29;

export const ROUTER_FUNCTION_RULES: readonly ValidationRule<RouterFunctionProps>[] = [
  {
    fails: (p) => !Number.isInteger(p.reservedConcurrency) || p.reservedConcurrency < 1,
    message: (p) => `reserved concurrency must be 1 or more, but ${p.reservedConcurrency} was provided`,
  },
  {
    fails: (p) => !Number.isInteger(p.memoryMb) || p.memoryMb < 128 || p.memoryMb > 10240,
    message: (p) => `memory must be 128 to 10240 mb, but ${p.memoryMb} was provided`,
  },
  {
    fails: (p) => !Number.isInteger(p.timeoutSeconds) || p.timeoutSeconds < 1 || p.timeoutSeconds > MAX_ROUTER_TIMEOUT_SECONDS,
    message: (p) => `timeout must be 1 to ${MAX_ROUTER_TIMEOUT_SECONDS} seconds (the api integration limit), but ${p.timeoutSeconds} was provided`,
  },
  {
    fails: (p) => !(p.region in APPCONFIG_EXTENSION_ARM64_LAYERS),
    message: (p) => `region must have an appconfig extension arm64 layer (${Object.keys(APPCONFIG_EXTENSION_ARM64_LAYERS).join(', ')}), but ${p.region} was provided`,
  },
  {
    fails: (p) => (p.logRetentionDays ?? 30) < 1,
    message: (p) => `log retention must be 1 day or more, but ${p.logRetentionDays} was provided`,
  },
  {
    fails: (p) => !Number.isInteger(p.appConfig.pollIntervalSeconds) || p.appConfig.pollIntervalSeconds < 1,
    message: (p) => `appconfig poll interval must be 1 second or more, but ${p.appConfig.pollIntervalSeconds} was provided`,
  },
];
