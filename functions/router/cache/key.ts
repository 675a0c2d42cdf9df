import { createHash } from 'node:crypto';
import type { RouterRequest } from '../request';

/** What makes two requests the same answer: everything the model sees or the router routes on. */
export interface CacheKeyInput {
  readonly environment: string;
  readonly route: string;
  /** The consumer the answer belongs to; undefined when the route shares answers across consumers. */
  readonly scope: string | undefined;
  readonly request: RouterRequest;
  /** The check the API applies to the answer (structured output's tool name, strict tools), if any. */
  readonly responseFormat?: string;
}

/** Bumped when the canonical form changes, so old items are never read as new ones. */
const KEY_VERSION = 1;

/**
 * JSON with object keys sorted and bytes as base64: equal values give one string whatever the
 * order their keys were written in; `undefined` members are dropped as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify({ $bytes: Buffer.from(value).toString('base64') });
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The cache key: the SHA-256 (hex) of the canonical form of the environment, route, scope and the
 * request's messages, system, tools and tool choice, inference settings, guardrail, model-specific
 * fields, routing hints (metadata picks the model) and response format. Bedrock's requestMetadata
 * (OpenAI's `user`) is left out: it labels the invocation log and does not change the answer.
 */
export function cacheKey(input: CacheKeyInput): string {
  const r = input.request;
  const canonical = canonicalJson({
    v: KEY_VERSION,
    environment: input.environment,
    route: input.route,
    scope: input.scope ?? null,
    messages: r.messages,
    system: r.system,
    inferenceConfig: r.inferenceConfig,
    toolConfig: r.toolConfig,
    guardrailConfig: r.guardrailConfig,
    additionalModelRequestFields: r.additionalModelRequestFields,
    additionalModelResponseFieldPaths: r.additionalModelResponseFieldPaths,
    metadata: r.metadata,
    responseFormat: input.responseFormat,
  });
  return createHash('sha256').update(canonical).digest('hex');
}
