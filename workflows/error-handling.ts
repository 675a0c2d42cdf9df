import type { PlannedRoute } from '../catalog';
import { ERROR_ACTIONS, type ErrorKind } from '../functions/router/error-kinds';
import type { Json, State } from './asl';
import { caughtKinds, errorNamesOf } from './error-names';

/**
 * Retry and Catch lists from the error-name table (error-names.ts), for the tasks of one
 * integration: `prefixes` selects its names (`Bedrock.`, `Lambda.`, `Router.`) and the `States.` ones.
 */

const namesWithPrefix = (names: readonly string[], prefixes: readonly string[]): string[] => names.filter((n) => prefixes.some((p) => n.startsWith(p)));

/** The names a Retry retries: those of the kinds the router retries (throttled, unavailable). */
export function retryableNames(prefixes: readonly string[]): string[] {
  return caughtKinds()
    .filter((k) => ERROR_ACTIONS[k] === 'retry')
    .flatMap((k) => namesWithPrefix(errorNamesOf(k), prefixes));
}

/** Retry of the retryable kinds with the route's backoff (Step Functions counts whole seconds). */
export function retrierFor(route: PlannedRoute, errorNames: readonly string[]): State {
  const interval = Math.max(1, Math.ceil(route.resilience.backoff.baseMs / 1000));
  return {
    ErrorEquals: [...errorNames],
    IntervalSeconds: interval,
    BackoffRate: 2,
    MaxAttempts: Math.max(0, route.resilience.attemptsPerModel - 1),
    MaxDelaySeconds: Math.max(interval, Math.ceil(route.resilience.backoff.maxMs / 1000)),
    JitterStrategy: 'FULL',
  };
}

/** Catchers per kind for the names of one integration, then `States.ALL` as unknown. */
export function catchers(prefixes: readonly string[], failedState: (kind: ErrorKind) => string, resultPath: string): Json[] {
  const list: Json[] = [];
  for (const kind of caughtKinds()) {
    const names = namesWithPrefix(errorNamesOf(kind), prefixes);
    if (names.length) list.push({ ErrorEquals: names, ResultPath: resultPath, Next: failedState(kind) });
  }
  list.push({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: failedState('unknown') });
  return list;
}

/** The kinds the catchers of one integration can reach, `unknown` last: one failure state each. */
export const kindsCaught = (prefixes: readonly string[]): ErrorKind[] => [...caughtKinds().filter((k) => namesWithPrefix(errorNamesOf(k), prefixes).length > 0), 'unknown'];
