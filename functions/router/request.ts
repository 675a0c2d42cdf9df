import type {
  ContentBlock,
  InferenceConfiguration,
  Message,
  SystemContentBlock,
  ToolConfiguration,
} from '@aws-sdk/client-bedrock-runtime';
import { requestedGuardrail, type RequestedGuardrail } from './guardrail';
import {
  invalid,
  isObject,
  knownKeysAt,
  nonEmptyArrayAt,
  objectAt,
  oneOfAt,
  optionalNumberAt,
  optionalStringListAt,
  stringAt,
  stringRecordAt,
  type NumberRange,
} from './validation';

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
  /** Converse requestMetadata: key-value pairs Bedrock records in its model invocation logs (OpenAI's `user`). */
  readonly requestMetadata?: Readonly<Record<string, string>>;
  /** Model-specific request fields Converse passes to the model as they are (Converse only). */
  readonly additionalModelRequestFields?: Readonly<Record<string, unknown>>;
  /** JSON pointers of model-specific response fields to return (Converse only). */
  readonly additionalModelResponseFieldPaths?: string[];
  /** The caller's guardrailConfig: the route's guardrail, its trace (guardrail.ts checks it against the route). */
  readonly guardrailConfig?: RequestedGuardrail;
  /** Converse performanceConfig: sent only to models with latency-optimized inference (model-fields.ts). */
  readonly performanceConfig?: { readonly latency: 'standard' | 'optimized' };
}

/** The limits of the inference settings, the same on both APIs (Converse's inferenceConfig and OpenAI's fields). */
export const INFERENCE_LIMITS = {
  maxTokens: { min: 1, max: 1_000_000, integer: true },
  temperature: { min: 0, max: 2 },
  topP: { min: 0, max: 1 },
  stopSequences: 16,
} as const satisfies { maxTokens: NumberRange; temperature: NumberRange; topP: NumberRange; stopSequences: number };

/** Base64 in JSON (the Converse wire form) to the bytes the SDK sends. */
function bytesOf(source: unknown, path: string): { bytes: Uint8Array } {
  if (!isObject(source) || typeof source.bytes !== 'string')
    invalid(`${path}.source`, 'must be { "bytes": "<base64>" }');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(source.bytes)) invalid(`${path}.source.bytes`, 'must be base64');
  return { bytes: Buffer.from(source.bytes, 'base64') };
}

const PASS_THROUGH = new Set(['toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent']);

function contentBlock(value: unknown, path: string): ContentBlock {
  const block = objectAt(value, path);
  const keys = Object.keys(block);
  if (keys.length !== 1)
    invalid(
      path,
      'must have exactly one of text, image, document, video, toolUse, toolResult, guardContent, cachePoint, reasoningContent',
    );
  const key = keys[0];
  const inner = block[key];
  if (key === 'text') return { text: stringAt(inner, `${path}.text`) };
  if (key === 'image' || key === 'document' || key === 'video') {
    if (!isObject(inner) || typeof inner.format !== 'string')
      invalid(`${path}.${key}`, 'must have a string format and a source');
    if (key === 'document') stringAt(inner.name, `${path}.document.name`);
    return { [key]: { ...inner, source: bytesOf(inner.source, `${path}.${key}`) } } as unknown as ContentBlock;
  }
  if (PASS_THROUGH.has(key)) return { [key]: objectAt(inner, `${path}.${key}`) } as unknown as ContentBlock;
  return invalid(path, `has an unknown content type "${key}"`);
}

const ROLES = ['user', 'assistant'] as const;

function messages(value: unknown): Message[] {
  return nonEmptyArrayAt(value, 'messages').map((item, i): Message => {
    const path = `messages[${i}]`;
    const m = objectAt(item, path);
    const role = oneOfAt(m.role, `${path}.role`, ROLES);
    return {
      role,
      content: nonEmptyArrayAt(m.content, `${path}.content`).map((b, j) => contentBlock(b, `${path}.content[${j}]`)),
    };
  });
}

const SYSTEM_BLOCKS =
  'must be one of { "text": "..." }, { "guardContent": { "text": { "text": "..." } } }, { "cachePoint": { "type": "default" } }';

/** System blocks: text, a guardContent block (text a guardrail evaluates) or a cachePoint. */
function system(value: unknown): SystemContentBlock[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) invalid('system', 'must be an array of { "text": "..." }');
  return value.map((b, i): SystemContentBlock => {
    const path = `system[${i}]`;
    if (!isObject(b) || Object.keys(b).length !== 1) invalid(path, SYSTEM_BLOCKS);
    if (typeof b.text === 'string') return { text: b.text };
    if (b.guardContent !== undefined) {
      const guard = objectAt(b.guardContent, `${path}.guardContent`);
      const text = objectAt(guard.text, `${path}.guardContent.text`);
      return {
        guardContent: { text: { ...text, text: stringAt(text.text, `${path}.guardContent.text.text`) } },
      };
    }
    if (b.cachePoint !== undefined) {
      const point = objectAt(b.cachePoint, `${path}.cachePoint`);
      oneOfAt(point.type, `${path}.cachePoint.type`, ['default'] as const);
      return { cachePoint: point } as unknown as SystemContentBlock;
    }
    return invalid(path, SYSTEM_BLOCKS);
  });
}

/** performanceConfig: `{ "latency": "standard" | "optimized" }`. https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_PerformanceConfiguration.html */
function performanceConfig(value: unknown): RouterRequest['performanceConfig'] {
  if (value === undefined) return undefined;
  const config = objectAt(value, 'performanceConfig');
  knownKeysAt(config, 'performanceConfig', new Set(['latency']));
  return { latency: oneOfAt(config.latency, 'performanceConfig.latency', ['standard', 'optimized'] as const) };
}

const INFERENCE_KEYS: ReadonlySet<string> = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);

function inferenceConfig(value: unknown): InferenceConfiguration | undefined {
  if (value === undefined) return undefined;
  const config = objectAt(value, 'inferenceConfig');
  knownKeysAt(config, 'inferenceConfig', INFERENCE_KEYS);
  const stopSequences = optionalStringListAt(
    config.stopSequences,
    'inferenceConfig.stopSequences',
    INFERENCE_LIMITS.stopSequences,
  );
  return {
    maxTokens: optionalNumberAt(config.maxTokens, 'inferenceConfig.maxTokens', INFERENCE_LIMITS.maxTokens),
    temperature: optionalNumberAt(config.temperature, 'inferenceConfig.temperature', INFERENCE_LIMITS.temperature),
    topP: optionalNumberAt(config.topP, 'inferenceConfig.topP', INFERENCE_LIMITS.topP),
    stopSequences,
  };
}

function toolConfig(value: unknown): ToolConfiguration | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Array.isArray(value.tools) || !value.tools.every(isObject))
    invalid('toolConfig', 'must be { "tools": [ ... ] }');
  return value as unknown as ToolConfiguration;
}

/** Routing hints: string values only (rules compare strings). */
export function metadata(value: unknown): Record<string, string> {
  return value === undefined ? {} : stringRecordAt(value, 'metadata');
}

const CONVERSE_KEYS: ReadonlySet<string> = new Set([
  'messages',
  'system',
  'inferenceConfig',
  'toolConfig',
  'metadata',
  'requestMetadata',
  'additionalModelRequestFields',
  'additionalModelResponseFieldPaths',
  'guardrailConfig',
  'performanceConfig',
  'promptVariables',
]);

/** Bedrock requestMetadata: at most 16 pairs, keys 1-256 and values 0-256 of these characters. https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#bedrock-runtime_Converse-request-requestMetadata */
const METADATA_TEXT = /^[a-zA-Z0-9\s:_@$#=/+,.-]*$/;

function requestMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const record = stringRecordAt(value, 'requestMetadata');
  const entries = Object.entries(record);
  if (entries.length > 16) invalid('requestMetadata', 'must have at most 16 keys');
  for (const [k, v] of entries) {
    if (k.length < 1 || k.length > 256 || !METADATA_TEXT.test(k))
      invalid(`requestMetadata.${k.slice(0, 50)}`, 'must be a key of 1 to 256 letters, digits, spaces or :_@$#=/+,.-');
    if (v.length > 256 || !METADATA_TEXT.test(v))
      invalid(`requestMetadata.${k}`, 'must be at most 256 letters, digits, spaces or :_@$#=/+,.-');
  }
  return record;
}

/** additionalModelResponseFieldPaths: at most 10 JSON pointers. https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#bedrock-runtime_Converse-request-additionalModelResponseFieldPaths */
function responseFieldPaths(value: unknown): string[] | undefined {
  const paths = optionalStringListAt(value, 'additionalModelResponseFieldPaths', 10);
  paths?.forEach((p, i) => {
    if (!p.startsWith('/') || p.length > 256)
      invalid(`additionalModelResponseFieldPaths[${i}]`, 'must be a JSON pointer such as "/stop_sequence"');
  });
  return paths;
}

/** Validates a parsed Converse-shaped body; throws BadRequestError naming the first bad field. */
export function converseRequest(value: unknown): RouterRequest {
  const body = objectAt(value, 'body', 'must be a JSON object');
  knownKeysAt(
    body,
    'body',
    CONVERSE_KEYS,
    ' (expected messages, system, inferenceConfig, toolConfig, metadata, requestMetadata, additionalModelRequestFields, additionalModelResponseFieldPaths, guardrailConfig, performanceConfig)',
  );
  // Bedrock reads promptVariables only when the model id is a Prompt management prompt, and ignores
  // them otherwise; a route calls models, never prompts, so passing them would drop them silently.
  // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#bedrock-runtime_Converse-request-promptVariables
  if (body.promptVariables !== undefined)
    invalid(
      'promptVariables',
      'is not supported: Bedrock fills promptVariables only into a Prompt management prompt, and routes call models; put the values into the messages',
    );
  const extra = requestMetadata(body.requestMetadata);
  const fields =
    body.additionalModelRequestFields === undefined
      ? undefined
      : objectAt(body.additionalModelRequestFields, 'additionalModelRequestFields');
  const paths = responseFieldPaths(body.additionalModelResponseFieldPaths);
  const guardrail = requestedGuardrail(body.guardrailConfig);
  const performance = performanceConfig(body.performanceConfig);
  return {
    messages: messages(body.messages),
    system: system(body.system),
    inferenceConfig: inferenceConfig(body.inferenceConfig),
    toolConfig: toolConfig(body.toolConfig),
    metadata: metadata(body.metadata),
    ...(extra !== undefined ? { requestMetadata: extra } : {}),
    ...(fields !== undefined ? { additionalModelRequestFields: fields } : {}),
    ...(paths !== undefined ? { additionalModelResponseFieldPaths: paths } : {}),
    ...(guardrail !== undefined ? { guardrailConfig: guardrail } : {}),
    ...(performance !== undefined ? { performanceConfig: performance } : {}),
  };
}
