/** The Amazon States Language as plain JSON data: what the builders return and the tests execute. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type State = { readonly [key: string]: Json };

/** Express workflows run at most five minutes (https://docs.aws.amazon.com/step-functions/latest/dg/choosing-workflow-type.html). */
export const EXPRESS_MAX_SECONDS = 300;

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly QueryLanguage: 'JSONPath';
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Readonly<Record<string, State>>;
  readonly [key: string]: Json;
}

/** A value in a task's `Parameters`: a JSONPath into the state (`{ path }`) or a literal (`{ value }`). */
export type ParameterValue = { readonly path: string } | { readonly value: string | number };

/**
 * One `Parameters` field: `{ "key.$": path }` for a path, `{ key: value }` for a literal
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-inputpath-params.html#input-output-parameters).
 */
export const parameter = (key: string, v: ParameterValue): Record<string, Json> =>
  'path' in v ? { [`${key}.$`]: v.path } : { [key]: v.value };
