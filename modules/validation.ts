import { Token } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * One rule of a construct's props, judging one value: a prop, or a few props the rule compares.
 * Messages are lowercase and say the value received and what is allowed:
 * `initial instance count must be 1 or more, but 0 was provided`.
 */
export interface ValueRule<P, V> {
  /** The value judged. `undefined` (an optional prop left to its default) skips the rule. */
  readonly value: (props: P) => V | undefined;
  readonly fails: (value: V) => boolean;
  readonly message: (value: V) => string;
}

/** A rule over a list judged as a whole (uniqueness, "any of them"): its elements that hold an unresolved token are left out first. */
export interface EachRule<P, T> {
  /** The elements judged. `undefined` skips the rule. */
  readonly each: (props: P) => readonly T[] | undefined;
  /** Judges the elements that are known at synth time (possibly none). */
  readonly fails: (known: readonly T[]) => boolean;
  readonly message: (known: readonly T[]) => string;
}

/** A rule of a props table: the message of a broken rule, or nothing. */
export interface PropsRule<P> {
  readonly check: (props: P) => string | undefined;
}

/**
 * Whether a value holds a token cdktf resolves only at synth (a resource attribute, a variable): in
 * a string, as a number, as a list, or anywhere inside a list or a plain object. Such a value is
 * never judged, as a string or as a number: its real value is known to Terraform alone.
 */
export function holdsUnresolved(value: unknown): boolean {
  if (Token.isUnresolved(value)) return true;
  if (Array.isArray(value)) return value.some(holdsUnresolved);
  if (isPlainObject(value)) return Object.values(value).some(holdsUnresolved);
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A rule on one value, skipped while the value is absent or holds an unresolved token. */
export function rule<P, V>(spec: ValueRule<P, V>): PropsRule<P> {
  return {
    check: (props) => {
      const value = spec.value(props);
      if (value === undefined || holdsUnresolved(value)) return undefined;
      return spec.fails(value) ? spec.message(value) : undefined;
    },
  };
}

/** A rule on a list, judging only its elements known at synth (a list that is itself a token skips the rule). */
export function eachRule<P, T>(spec: EachRule<P, T>): PropsRule<P> {
  return {
    check: (props) => {
      const list = spec.each(props);
      if (list === undefined || Token.isUnresolved(list)) return undefined;
      const known = list.filter((element) => !holdsUnresolved(element));
      return spec.fails(known) ? spec.message(known) : undefined;
    },
  };
}

/** Whether a number is an integer from `min` to `max`, both included. */
export function isIntegerIn(value: number, min: number, max = Number.MAX_SAFE_INTEGER): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** A construct's props broke rules of its table: names the construct's path and every broken rule. */
export class PropsValidationError extends Error {
  constructor(
    /** The construct class (`ModelEndpoint`). */
    readonly constructType: string,
    /** The construct's path in the tree (`prod/Endpoint-llama`), as `node.path` gives it. */
    readonly constructPath: string,
    /** Every broken rule's message, in the table's order. */
    readonly failures: readonly string[],
  ) {
    super(`${constructType} at ${constructPath}: ${failures.join('; ')}`);
    this.name = 'PropsValidationError';
  }
}

/**
 * Checks a construct's props against its rule table and throws one error listing every broken rule,
 * naming the construct by type and path. Call it first in the constructor, before any child exists.
 */
export function validateProps<P>(
  construct: Construct,
  constructType: string,
  props: P,
  rules: readonly PropsRule<P>[],
): void {
  const failures = rules.flatMap((r) => r.check(props) ?? []);
  if (failures.length) throw new PropsValidationError(constructType, construct.node.path, failures);
}
