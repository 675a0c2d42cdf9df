import {
  knownKeysAt,
  nonEmptyArrayAt,
  objectAt,
  oneOfAt,
  optionalNumberAt,
  optionalStringListAt,
  stringAt,
  stringRecordAt,
} from '../../../functions/router/validation';
import { invalidRequest, refusal } from './refusal';

describe('request field checks', () => {
  it('return the value they accept', () => {
    expect(objectAt({ a: 1 }, 'x')).toEqual({ a: 1 });
    expect(stringAt('s', 'x')).toBe('s');
    expect(nonEmptyArrayAt([1], 'x')).toEqual([1]);
    expect(oneOfAt('b', 'x', ['a', 'b'])).toBe('b');
    expect(optionalNumberAt(undefined, 'x', { min: 0, max: 1 })).toBeUndefined();
    expect(optionalNumberAt(0.5, 'x', { min: 0, max: 1 })).toBe(0.5);
    expect(optionalStringListAt(undefined, 'x', 2)).toBeUndefined();
    expect(optionalStringListAt(['a', 'b'], 'x', 2)).toEqual(['a', 'b']);
    expect(stringRecordAt({ k: 'v' }, 'x')).toEqual({ k: 'v' });
  });

  it('fails naming the path and what it must be', () => {
    expect(refusal(() => objectAt([], 'a.b'))).toEqual(invalidRequest('a.b must be an object'));
    expect(refusal(() => objectAt(null, 'body', 'must be a JSON object'))).toEqual(
      invalidRequest('body must be a JSON object'),
    );
    expect(refusal(() => stringAt(1, 'a[0].text'))).toEqual(invalidRequest('a[0].text must be a string'));
    expect(refusal(() => nonEmptyArrayAt([], 'list'))).toEqual(invalidRequest('list must be a non-empty array'));
    expect(refusal(() => optionalNumberAt(3, 'n', { min: 1, max: 2, integer: true }))).toEqual(
      invalidRequest('n must be an integer from 1 to 2'),
    );
    expect(refusal(() => optionalNumberAt(1.5, 'n', { min: 1, max: 2, integer: true }))).toEqual(
      invalidRequest('n must be an integer from 1 to 2'),
    );
    expect(refusal(() => optionalStringListAt(['a', 'b', 'c'], 'stop', 2))).toEqual(
      invalidRequest('stop must be an array of at most 2 strings'),
    );
    expect(refusal(() => stringRecordAt({ k: 1 }, 'meta'))).toEqual(invalidRequest('meta.k must be a string'));
  });

  it('lists the allowed values of an enumeration, quoted', () => {
    expect(refusal(() => oneOfAt('x', 'role', ['user']))).toEqual(invalidRequest('role must be "user"'));
    expect(refusal(() => oneOfAt('x', 'role', ['user', 'assistant']))).toEqual(
      invalidRequest('role must be "user" or "assistant"'),
    );
    expect(refusal(() => oneOfAt('x', 'role', ['a', 'b', 'c'], 'unsupported_parameter'))).toEqual({
      status: 400,
      code: 'unsupported_parameter',
      message: 'role must be "a", "b" or "c"',
    });
  });

  it('names the first unknown key, with a hint when given', () => {
    const known = new Set(['a']);
    expect(() => knownKeysAt({ a: 1 }, 'o', known)).not.toThrow();
    expect(refusal(() => knownKeysAt({ a: 1, b: 2, c: 3 }, 'o', known, ' (expected a)'))).toEqual(
      invalidRequest('o has an unknown key "b" (expected a)'),
    );
  });
});
