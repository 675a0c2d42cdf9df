import type { PlannedRoute } from '../catalog';
import { ERROR_ACTIONS, type ErrorKind } from '../contracts/error-kinds';
import type { Json, State } from './asl';
import { BEDROCK_EXCEPTIONS, caughtKinds, errorNamesOf } from './error-names';

/**
 * Retry and Catch lists from the error-name table (error-names.ts), for the tasks of one
 * integration: `prefixes` selects its names (`Bedrock.`, `Lambda.`, `Router.`) and the `States.` ones.
 */

const namesWithPrefix = (names: readonly string[], prefixes: readonly string[]): string[] =>
  names.filter((n) => prefixes.some((p) => n.startsWith(p)));

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

/**
 * Catchers per kind for the names of one integration; then, given `classifyState`, every other
 * task error (`States.TaskFailed`: in a Catch, any error but `States.Timeout`,
 * https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html) to that
 * state; then `States.ALL` as unknown.
 */
export function catchers(
  prefixes: readonly string[],
  failedState: (kind: ErrorKind) => string,
  resultPath: string,
  classifyState?: string,
): Json[] {
  const list: Json[] = [];
  for (const kind of caughtKinds()) {
    const names = namesWithPrefix(errorNamesOf(kind), prefixes);
    if (names.length) list.push({ ErrorEquals: names, ResultPath: resultPath, Next: failedState(kind) });
  }
  if (classifyState !== undefined)
    list.push({ ErrorEquals: ['States.TaskFailed'], ResultPath: resultPath, Next: classifyState });
  list.push({ ErrorEquals: ['States.ALL'], ResultPath: resultPath, Next: failedState('unknown') });
  return list;
}

/**
 * The kind of a Bedrock call's error caught as `States.TaskFailed`, from its Bedrock Runtime
 * exception name (error-names.ts says why): first the name at the end of `Error`, whatever its
 * prefix (`Bedrock.`, `BedrockRuntime.`, none), then the name anywhere in `Cause`; else unknown.
 * `failure` is the catcher's ResultPath, holding `{ Error, Cause }`; `*` in `StringMatches`
 * stands for any characters.
 */
export function classifyByExceptionName(failure: string, failedState: (kind: ErrorKind) => string): State {
  const kinds = [...new Set(BEDROCK_EXCEPTIONS.map((e) => e.kind))];
  const rules = (field: 'Error' | 'Cause', pattern: (exception: string) => string): Json[] => {
    const path = `${failure}.${field}`;
    return kinds.map((kind) => {
      const matches: Json[] = BEDROCK_EXCEPTIONS.filter((e) => e.kind === kind).map((e) => ({
        Variable: path,
        StringMatches: pattern(e.exception),
      }));
      return {
        And: [
          { Variable: path, IsPresent: true },
          { Variable: path, IsString: true },
          matches.length === 1 ? matches[0] : { Or: matches },
        ],
        Next: failedState(kind),
      };
    });
  };
  return {
    Type: 'Choice',
    Choices: [...rules('Error', (e) => `*${e}`), ...rules('Cause', (e) => `*${e}*`)],
    Default: failedState('unknown'),
  };
}

/** The kinds the catchers of one integration can reach, `unknown` last: one failure state each. */
export const kindsCaught = (prefixes: readonly string[]): ErrorKind[] => [
  ...caughtKinds().filter((k) => namesWithPrefix(errorNamesOf(k), prefixes).length > 0),
  'unknown',
];
