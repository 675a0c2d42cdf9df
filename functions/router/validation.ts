import { BadRequestError } from './errors';

/**
 * The checks both request parsers (Converse and OpenAI chat completions) make on a parsed JSON
 * body, written once. Each names the field by its path (`messages[0].content[1].text`) and says what
 * it must be; the first failure is a 400 BadRequestError with that located message.
 */
export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Refuses the request: `<path> <must be ...>`, with the error code (default invalid_request). */
export function invalid(path: string, expected: string, code?: string): never {
  throw new BadRequestError(`${path} ${expected}`, code, { param: path });
}

/** An object, or a refusal saying what the object must be (default "must be an object"). */
export function objectAt(value: unknown, path: string, expected = 'must be an object'): JsonObject {
  if (!isObject(value)) invalid(path, expected);
  return value;
}

export function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string') invalid(path, 'must be a string');
  return value;
}

/** A non-empty array, or a refusal (default "must be a non-empty array"). */
export function nonEmptyArrayAt(value: unknown, path: string, expected = 'must be a non-empty array'): unknown[] {
  if (!Array.isArray(value) || value.length === 0) invalid(path, expected);
  return value;
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function quotedChoice(allowed: readonly string[]): string {
  const quoted = allowed.map((a) => `"${a}"`);
  return quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`;
}

/** One of the allowed strings, or a refusal listing them. */
export function oneOfAt<T extends string>(value: unknown, path: string, allowed: readonly T[], code?: string): T {
  if (!allowed.includes(value as T)) invalid(path, `must be ${quotedChoice(allowed)}`, code);
  return value as T;
}

/** Every key of an object is one the API knows; the refusal names the first unknown one. */
export function knownKeysAt(value: JsonObject, path: string, known: ReadonlySet<string>, hint = ''): void {
  for (const k of Object.keys(value)) if (!known.has(k)) invalid(path, `has an unknown key "${k}"${hint}`);
}

export interface NumberRange {
  readonly min: number;
  readonly max: number;
  readonly integer?: boolean;
}

/** An optional finite number within a range (undefined when absent), or a refusal stating the range. */
export function optionalNumberAt(value: unknown, path: string, range: NumberRange): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < range.min ||
    value > range.max ||
    (range.integer === true && !Number.isInteger(value))
  ) {
    invalid(path, `must be ${range.integer === true ? 'an integer' : 'a number'} from ${range.min} to ${range.max}`);
  }
  return value;
}

export const isStringList = (value: unknown, maxItems: number): value is string[] =>
  Array.isArray(value) && value.length <= maxItems && value.every((s) => typeof s === 'string');

/** An optional array of at most maxItems strings (undefined when absent), or a refusal. */
export function optionalStringListAt(value: unknown, path: string, maxItems: number): string[] | undefined {
  if (value === undefined) return undefined;
  if (!isStringList(value, maxItems)) invalid(path, `must be an array of at most ${maxItems} strings`);
  return value;
}

/** An object whose values are all strings; the refusal names the first key that is not. */
export function stringRecordAt(value: unknown, path: string): Record<string, string> {
  const record = objectAt(value, path, 'must be an object of strings');
  for (const [k, v] of Object.entries(record)) if (typeof v !== 'string') invalid(`${path}.${k}`, 'must be a string');
  return record as Record<string, string>;
}
