import { TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import {
  eachRule,
  holdsUnresolved,
  isIntegerIn,
  PropsValidationError,
  rule,
  validateProps,
  type PropsRule,
} from '../../modules/validation';
import { propsFailure, testStack } from '../support/props';

interface Props {
  readonly count?: number;
  readonly name: string;
  readonly urls: readonly string[];
}

const RULES: readonly PropsRule<Props>[] = [
  rule({
    value: (p) => p.count,
    fails: (n) => !isIntegerIn(n, 1, 10),
    message: (n) => `count must be 1 to 10, but ${n} was provided`,
  }),
  rule({
    value: (p) => p.name,
    fails: (name) => !/^[a-z]+$/.test(name),
    message: (name) => `name must be lowercase letters, but ${name} was provided`,
  }),
  eachRule({
    each: (p) => p.urls,
    fails: (urls) => !urls.every((u) => u.startsWith('s3://')),
    message: (urls) => `urls must be s3:// urls, but ${urls.join(', ')} was provided`,
  }),
];

class Widget extends Construct {
  constructor(scope: Construct, id: string, props: Props) {
    super(scope, id);
    validateProps(this, 'Widget', props, RULES);
  }
}

const valid: Props = { count: 3, name: 'widget', urls: ['s3://bucket/a'] };

describe('validateProps', () => {
  it('accepts props that break no rule, and skips a rule whose optional value is absent', () => {
    const stack = testStack();
    expect(() => new Widget(stack, 'A', valid)).not.toThrow();
    expect(() => new Widget(stack, 'B', { ...valid, count: undefined })).not.toThrow();
  });

  it('fails with every broken rule at once, naming the construct type and path', () => {
    const error = propsFailure(
      () =>
        new Widget(new Construct(testStack(), 'Group'), 'Widget', { count: 0, name: 'Widget', urls: ['https://x'] }),
    );
    expect(error.message).toBe(
      'Widget at stack/Group/Widget: count must be 1 to 10, but 0 was provided; name must be lowercase letters, but Widget was provided; urls must be s3:// urls, but https://x was provided',
    );
    expect(error).toMatchObject({
      name: 'PropsValidationError',
      constructType: 'Widget',
      constructPath: 'stack/Group/Widget',
      failures: [
        'count must be 1 to 10, but 0 was provided',
        'name must be lowercase letters, but Widget was provided',
        'urls must be s3:// urls, but https://x was provided',
      ],
    });
    expect(error).toBeInstanceOf(PropsValidationError);
  });

  it('never judges an unresolved token, as a number, a string or a list', () => {
    const stack = testStack();
    const count = new TerraformVariable(stack, 'count', { type: 'number' });
    const name = new TerraformVariable(stack, 'name', { type: 'string' });
    const urls = new TerraformVariable(stack, 'urls', { type: 'list(string)' });
    expect(
      () =>
        new Widget(stack, 'Tokens', {
          count: count.numberValue,
          name: `${name.stringValue}-Suffix`,
          urls: urls.listValue,
        }),
    ).not.toThrow();
  });

  it('judges the known elements of a list and leaves out the tokens among them', () => {
    const stack = testStack();
    const url = new TerraformVariable(stack, 'url', { type: 'string' });
    expect(() => new Widget(stack, 'Known', { ...valid, urls: [url.stringValue, 's3://bucket/b'] })).not.toThrow();
    expect(
      propsFailure(() => new Widget(stack, 'Mixed', { ...valid, urls: [url.stringValue, 'http://x'] })).message,
    ).toBe('Widget at stack/Mixed: urls must be s3:// urls, but http://x was provided');
  });
});

describe('holdsUnresolved', () => {
  it('finds a token in a string, a number, a list token, and inside lists and plain objects', () => {
    const stack = testStack();
    const v = new TerraformVariable(stack, 'v', { type: 'string' });
    expect(holdsUnresolved(v.stringValue)).toBe(true);
    expect(holdsUnresolved(`prefix-${v.stringValue}`)).toBe(true);
    expect(holdsUnresolved(v.numberValue)).toBe(true);
    expect(holdsUnresolved(v.listValue)).toBe(true);
    expect(holdsUnresolved([1, [v.stringValue]])).toBe(true);
    expect(holdsUnresolved({ a: { b: v.numberValue } })).toBe(true);
    expect(holdsUnresolved(Token.asString(v.value))).toBe(true);
  });

  it('finds none in plain values, and does not walk into constructs', () => {
    const stack = testStack();
    new TerraformVariable(stack, 'v', { type: 'string' });
    expect(holdsUnresolved('${aws_dynamodb_table.t.arn}')).toBe(false);
    expect(holdsUnresolved([1, 'a', { b: [true, null] }])).toBe(false);
    expect(holdsUnresolved(undefined)).toBe(false);
    expect(holdsUnresolved(stack)).toBe(false);
  });
});
