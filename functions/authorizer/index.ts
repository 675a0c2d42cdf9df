import { createHash, timingSafeEqual } from 'node:crypto';
import { AUTHORIZER_CONSUMERS_ENV, KEY_HASH_PATTERN, type AuthorizerConsumer } from '../../contracts/authorizer';
import { CONSUMER_CONTEXT_KEY } from '../../contracts/consumer';

/** The part of a REST API REQUEST authorizer's input this authorizer reads. */
export interface RequestAuthorizerEvent {
  readonly type?: string;
  /** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/<METHOD>/<path>` */
  readonly methodArn: string;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
}

/**
 * A Lambda authorizer's output for a REST API.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */
export interface AuthorizerResult {
  readonly principalId: string;
  readonly policyDocument: {
    readonly Version: '2012-10-17';
    readonly Statement: readonly [
      { readonly Action: 'execute-api:Invoke'; readonly Effect: 'Allow' | 'Deny'; readonly Resource: string },
    ];
  };
  readonly context?: Readonly<Record<string, string>>;
  readonly usageIdentifierKey?: string;
}

/**
 * The error whose message API Gateway turns into 401 (gateway response UNAUTHORIZED): the one way
 * for a Lambda authorizer to answer "no or unknown credentials". A Deny policy gives 403 (ACCESS_DENIED).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-lambda-authorizer-output.html
 */
export const UNAUTHORIZED = 'Unauthorized';

/** The key a request carries: `Authorization: Bearer <key>` (OpenAI clients), else `x-api-key: <key>`. */
export function presentedKey(headers: RequestAuthorizerEvent['headers']): string | undefined {
  let authorization: string | undefined;
  let apiKey: string | undefined;
  for (const [name, value] of Object.entries(headers ?? {})) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') authorization = value;
    else if (lower === 'x-api-key') apiKey = value;
  }
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1];
  const key = apiKey?.trim();
  return key ? key : undefined;
}

/** Lower-case hex SHA-256 of a key. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

interface Entry {
  readonly consumer: AuthorizerConsumer;
  readonly hash: Buffer;
  readonly revoked: boolean;
}

/**
 * Parses and checks the configuration (a platform fault when wrong: thrown, so API Gateway answers
 * 500, never blaming the caller).
 */
export function parseConsumers(json: string | undefined): AuthorizerConsumer[] {
  const where = `environment variable ${AUTHORIZER_CONSUMERS_ENV}`;
  if (json === undefined || json === '') throw new Error(`${where} is not set: modules/api/key-authorizer.ts sets it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (e) {
    throw new Error(`${where} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${where}: expected an array of consumers`);
  return parsed.map((c: unknown, i) => {
    const at = `${where}[${i}]`;
    const o = (c ?? {}) as Record<string, unknown>;
    if (typeof o.name !== 'string' || o.name === '') throw new Error(`${at}.name: expected the consumer's name`);
    if (typeof o.usageKey !== 'string' || o.usageKey === '')
      throw new Error(`${at}.usageKey: expected its API key value`);
    for (const field of ['keyHashes', 'revokedHashes'] as const) {
      const list = o[field];
      if (!Array.isArray(list) || !list.every((h) => typeof h === 'string' && KEY_HASH_PATTERN.test(h))) {
        throw new Error(`${at}.${field}: expected an array of lower-case hex SHA-256 hashes`);
      }
    }
    return o as unknown as AuthorizerConsumer;
  });
}

/** `arn:aws:execute-api:<region>:<account>:<api id>/<stage>/*`: every method of the stage. */
function stageMethods(methodArn: string): string {
  const [apiArn, stage] = methodArn.split('/');
  if (!apiArn?.startsWith('arn:') || !stage)
    throw new Error(`methodArn ${JSON.stringify(methodArn)} is not an execute-api method ARN`);
  return `${apiArn}/${stage}/*`;
}

function policy(effect: 'Allow' | 'Deny', resource: string): AuthorizerResult['policyDocument'] {
  return { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }] };
}

/**
 * The authorizer over a set of consumers. A request's key is hashed and compared with every
 * configured hash in constant time (timingSafeEqual, no early exit), so neither a match's position
 * nor a near miss shows in the timing. Unsalted SHA-256 is sound here because the keys are 256-bit
 * random values (`npm run keys`): there is no dictionary to precompute, so a slow password hash would
 * only add latency to every request.
 *
 * - a known, live key: Allow on every method of the stage, context `{ consumer }`
 *   (contracts/consumer.ts) and `usageIdentifierKey` = the consumer's API key value;
 * - a revoked key: Deny (403), with the consumer in the context for the access log;
 * - no key or an unknown one: `Unauthorized` (401).
 */
export function createAuthorizer(consumers: readonly AuthorizerConsumer[]) {
  const entries: Entry[] = consumers.flatMap((consumer) => [
    ...consumer.keyHashes.map((h) => ({ consumer, hash: Buffer.from(h, 'hex'), revoked: false })),
    ...consumer.revokedHashes.map((h) => ({ consumer, hash: Buffer.from(h, 'hex'), revoked: true })),
  ]);
  return (event: RequestAuthorizerEvent): AuthorizerResult => {
    const key = presentedKey(event.headers);
    if (key === undefined) throw new Error(UNAUTHORIZED);
    const presented = createHash('sha256').update(key, 'utf8').digest();
    let match: Entry | undefined;
    for (const entry of entries) {
      // Revoked entries win: a hash listed both ways is refused.
      if (timingSafeEqual(entry.hash, presented) && (match === undefined || entry.revoked)) match = entry;
    }
    if (match === undefined) throw new Error(UNAUTHORIZED);
    const name = match.consumer.name;
    const resource = stageMethods(event.methodArn);
    if (match.revoked) {
      return { principalId: name, policyDocument: policy('Deny', resource), context: { [CONSUMER_CONTEXT_KEY]: name } };
    }
    return {
      principalId: name,
      policyDocument: policy('Allow', resource),
      context: { [CONSUMER_CONTEXT_KEY]: name },
      usageIdentifierKey: match.consumer.usageKey,
    };
  };
}

let configured: ReturnType<typeof createAuthorizer> | undefined;

/** Lambda's entry: the configuration is read once per container. */
export const handler = (event: RequestAuthorizerEvent): Promise<AuthorizerResult> =>
  new Promise((resolve) => {
    configured ??= createAuthorizer(parseConsumers(process.env[AUTHORIZER_CONSUMERS_ENV]));
    resolve(configured(event));
  });
