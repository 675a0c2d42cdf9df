import type { ContentBlock, InferenceConfiguration, Message, SystemContentBlock, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import { BadRequestError } from './errors';

/**
 * The router's one request shape, Converse-shaped (both HTTP APIs turn their bodies into it):
 * the Bedrock Converse fields plus `metadata`, the routing hints (taskType, language, adapter and
 * any other string keys a rule may test).
 */
export interface RouterRequest {
  readonly messages: Message[];
  readonly system?: SystemContentBlock[];
  readonly inferenceConfig?: InferenceConfiguration;
  readonly toolConfig?: ToolConfiguration;
  readonly metadata: Readonly<Record<string, string>>;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string): never {
  throw new BadRequestError(`${path} ${message}`);
}

/** Base64 in JSON (the Converse wire form) to the bytes the SDK sends. */
function bytesOf(source: unknown, path: string): { bytes: Uint8Array } {
  if (!isObject(source) || typeof source.bytes !== 'string') fail(`${path}.source`, 'must be { "bytes": "<base64>" }');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(source.bytes)) fail(`${path}.source.bytes`, 'must be base64');
  return { bytes: Buffer.from(source.bytes, 'base64') };
}

const PASS_THROUGH = new Set(['toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent']);

function contentBlock(block: unknown, path: string): ContentBlock {
  if (!isObject(block)) fail(path, 'must be an object');
  const keys = Object.keys(block);
  if (keys.length !== 1) fail(path, 'must have exactly one of text, image, document, video, toolUse, toolResult, guardContent, cachePoint, reasoningContent');
  const key = keys[0];
  const value = block[key];
  if (key === 'text') {
    if (typeof value !== 'string') fail(`${path}.text`, 'must be a string');
    return { text: value };
  }
  if (key === 'image' || key === 'document' || key === 'video') {
    if (!isObject(value) || typeof value.format !== 'string') fail(`${path}.${key}`, 'must have a string format and a source');
    if (key === 'document' && typeof value.name !== 'string') fail(`${path}.document.name`, 'must be a string');
    return { [key]: { ...value, source: bytesOf(value.source, `${path}.${key}`) } } as unknown as ContentBlock;
  }
  if (PASS_THROUGH.has(key)) {
    if (!isObject(value)) fail(`${path}.${key}`, 'must be an object');
    return { [key]: value } as unknown as ContentBlock;
  }
  return fail(path, `has an unknown content type "${key}"`);
}

function messages(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) fail('messages', 'must be a non-empty array');
  return value.map((m, i): Message => {
    const path = `messages[${i}]`;
    if (!isObject(m)) fail(path, 'must be an object');
    if (m.role !== 'user' && m.role !== 'assistant') fail(`${path}.role`, 'must be "user" or "assistant"');
    if (!Array.isArray(m.content) || m.content.length === 0) fail(`${path}.content`, 'must be a non-empty array');
    return { role: m.role, content: m.content.map((b, j) => contentBlock(b, `${path}.content[${j}]`)) };
  });
}

function system(value: unknown): SystemContentBlock[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) fail('system', 'must be an array of { "text": "..." }');
  return value.map((b, i): SystemContentBlock => {
    if (!isObject(b) || typeof b.text !== 'string' || Object.keys(b).length !== 1) fail(`system[${i}]`, 'must be { "text": "..." }');
    return { text: b.text };
  });
}

const optionalNumber = (o: Json, key: string, min: number, max: number, integer = false): number | undefined => {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) fail(`inferenceConfig.${key}`, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  return v;
};

function inferenceConfig(value: unknown): InferenceConfiguration | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) fail('inferenceConfig', 'must be an object');
  for (const k of Object.keys(value)) if (!['maxTokens', 'temperature', 'topP', 'stopSequences'].includes(k)) fail('inferenceConfig', `has an unknown key "${k}"`);
  const stop = value.stopSequences;
  if (stop !== undefined && (!Array.isArray(stop) || stop.length > 16 || !stop.every((s) => typeof s === 'string'))) fail('inferenceConfig.stopSequences', 'must be an array of at most 16 strings');
  return {
    maxTokens: optionalNumber(value, 'maxTokens', 1, 1_000_000, true),
    temperature: optionalNumber(value, 'temperature', 0, 2),
    topP: optionalNumber(value, 'topP', 0, 1),
    stopSequences: stop,
  };
}

function toolConfig(value: unknown): ToolConfiguration | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Array.isArray(value.tools) || !value.tools.every(isObject)) fail('toolConfig', 'must be { "tools": [ ... ] }');
  return value as unknown as ToolConfiguration;
}

/** Routing hints: string values only (rules compare strings). */
export function metadata(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) fail('metadata', 'must be an object of strings');
  for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') fail(`metadata.${k}`, 'must be a string');
  return value as Record<string, string>;
}

const CONVERSE_KEYS = new Set(['messages', 'system', 'inferenceConfig', 'toolConfig', 'metadata']);

/** Validates a parsed Converse-shaped body; throws BadRequestError naming the first bad field. */
export function converseRequest(body: unknown): RouterRequest {
  if (!isObject(body)) fail('body', 'must be a JSON object');
  for (const k of Object.keys(body)) if (!CONVERSE_KEYS.has(k)) fail('body', `has an unknown key "${k}" (expected messages, system, inferenceConfig, toolConfig, metadata)`);
  return {
    messages: messages(body.messages),
    system: system(body.system),
    inferenceConfig: inferenceConfig(body.inferenceConfig),
    toolConfig: toolConfig(body.toolConfig),
    metadata: metadata(body.metadata),
  };
}
