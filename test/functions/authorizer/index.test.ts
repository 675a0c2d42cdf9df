import { AUTHORIZER_CONSUMERS_ENV } from '../../../contracts/authorizer';
import { CONSUMER_CONTEXT_KEY } from '../../../contracts/consumer';
import { createAuthorizer, handler, keyHash, parseConsumers, presentedKey } from '../../../functions/authorizer';

const GOOD = 'fmk_good-key-of-team-a';
const OTHER = 'fmk_key-of-team-b';
const REVOKED = 'fmk_old-key-of-team-a';
const METHOD_ARN = 'arn:aws:execute-api:us-east-1:111111111111:abc123/live/POST/v1/chat/completions';
const CONSUMERS = [
  { name: 'team-a', usageKey: 'usage-key-a', keyHashes: [keyHash(GOOD)], revokedHashes: [keyHash(REVOKED)] },
  { name: 'team-b', usageKey: 'usage-key-b', keyHashes: [keyHash(OTHER)], revokedHashes: [] },
];
const authorize = createAuthorizer(CONSUMERS);
const event = (headers: Record<string, string>) => ({ type: 'REQUEST', methodArn: METHOD_ARN, headers });

describe.each([
  ['Authorization: Bearer', (key: string) => ({ Authorization: `Bearer ${key}` })],
  ['x-api-key', (key: string) => ({ 'X-Api-Key': key })],
])('the key authorizer with %s', (_form, headers) => {
  it('allows a good key on every method of the stage, naming the consumer and its usage identifier', () => {
    expect(authorize(event(headers(GOOD)))).toEqual({
      principalId: 'team-a',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:111111111111:abc123/live/*',
          },
        ],
      },
      context: { [CONSUMER_CONTEXT_KEY]: 'team-a' },
      usageIdentifierKey: 'usage-key-a',
    });
    expect(authorize(event(headers(OTHER)))).toMatchObject({
      context: { consumer: 'team-b' },
      usageIdentifierKey: 'usage-key-b',
    });
  });

  it('answers Unauthorized (401) to a wrong key', () => {
    expect(() => authorize(event(headers('fmk_not-a-key')))).toThrow(/^Unauthorized$/);
    expect(() => authorize(event(headers(keyHash(GOOD))))).toThrow(/^Unauthorized$/); // the hash is not the key
  });

  it('denies (403) a revoked key, with no usage identifier', () => {
    const result = authorize(event(headers(REVOKED)));
    expect(result.policyDocument.Statement[0].Effect).toBe('Deny');
    expect(result.usageIdentifierKey).toBeUndefined();
  });
});

describe('the key authorizer without a key', () => {
  it.each([
    ['no headers', {}],
    ['an empty x-api-key', { 'x-api-key': ' ' }],
    ['a SigV4 Authorization header', { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA/...' }],
    ['Bearer with nothing after it', { authorization: 'Bearer ' }],
  ])('answers Unauthorized to %s', (_case, headers) => {
    expect(() => authorize(event(headers))).toThrow(/^Unauthorized$/);
  });

  it('answers Unauthorized when headers are null', () => {
    expect(() => authorize({ methodArn: METHOD_ARN, headers: null })).toThrow(/^Unauthorized$/);
  });
});

describe('a hash listed both live and revoked', () => {
  it('is refused', () => {
    const both = createAuthorizer([
      { name: 'team-a', usageKey: 'u', keyHashes: [keyHash(GOOD)], revokedHashes: [keyHash(GOOD)] },
    ]);
    expect(both(event({ authorization: `Bearer ${GOOD}` })).policyDocument.Statement[0].Effect).toBe('Deny');
  });
});

describe('presentedKey', () => {
  it('prefers the bearer token to x-api-key', () => {
    expect(presentedKey({ authorization: 'bearer abc', 'x-api-key': 'def' })).toBe('abc');
    expect(presentedKey({ authorization: 'Basic Zm9v', 'x-api-key': 'def' })).toBe('def');
  });
});

describe('the Lambda entry', () => {
  const saved = process.env[AUTHORIZER_CONSUMERS_ENV];
  afterAll(() => {
    if (saved === undefined) delete process.env[AUTHORIZER_CONSUMERS_ENV];
    else process.env[AUTHORIZER_CONSUMERS_ENV] = saved;
  });

  it('reads the consumers from its environment', async () => {
    process.env[AUTHORIZER_CONSUMERS_ENV] = JSON.stringify(CONSUMERS);
    await expect(handler(event({ authorization: `Bearer ${GOOD}` }))).resolves.toMatchObject({
      usageIdentifierKey: 'usage-key-a',
    });
    await expect(handler(event({ authorization: 'Bearer nope' }))).rejects.toThrow(/^Unauthorized$/);
  });
});

describe('parseConsumers', () => {
  it('names the variable and the field when the configuration is wrong', () => {
    expect(() => parseConsumers(undefined)).toThrow(`${AUTHORIZER_CONSUMERS_ENV} is not set`);
    expect(() => parseConsumers('{')).toThrow('is not JSON');
    expect(() =>
      parseConsumers(JSON.stringify([{ name: 'a', usageKey: 'u', keyHashes: ['GOOD'], revokedHashes: [] }])),
    ).toThrow(`${AUTHORIZER_CONSUMERS_ENV}[0].keyHashes: expected an array of lower-case hex SHA-256 hashes`);
    expect(parseConsumers(JSON.stringify(CONSUMERS))).toEqual(CONSUMERS);
  });
});
