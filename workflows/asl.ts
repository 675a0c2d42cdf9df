/** The Amazon States Language as plain JSON data: what the builders return and the tests execute. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type State = { readonly [key: string]: Json };

export interface StateMachineDefinition {
  readonly Comment: string;
  readonly QueryLanguage: 'JSONPath';
  readonly StartAt: string;
  readonly TimeoutSeconds: number;
  readonly States: Readonly<Record<string, State>>;
  readonly [key: string]: Json;
}
