import { invalid, type JsonObject } from '../validation';

/**
 * Every field of an OpenAI chat completions body, and what the router does with it: honoured,
 * mapped onto Converse, or refused with a 400 that names it. No field is dropped silently; a key
 * not listed here is refused as unknown. A null is treated as absent (as OpenAI does).
 * https://platform.openai.com/docs/api-reference/chat/create
 */
type Policy =
  /** Read by the request parser (openai.ts). */
  | 'honoured'
  /** Accepted only with the values listed (the others have no Bedrock equivalent). */
  | { readonly only: readonly unknown[]; readonly why: string };

export const CHAT_FIELDS: Readonly<Record<string, Policy>> = {
  model: 'honoured',
  messages: 'honoured',
  stream: 'honoured',
  stream_options: 'honoured',
  max_tokens: 'honoured',
  max_completion_tokens: 'honoured',
  temperature: 'honoured',
  top_p: 'honoured',
  stop: 'honoured',
  n: 'honoured',
  tools: 'honoured',
  tool_choice: 'honoured',
  parallel_tool_calls: 'honoured',
  response_format: 'honoured',
  metadata: 'honoured',
  /** → Converse requestMetadata (it reaches Bedrock's model invocation logs). */
  user: 'honoured',
  safety_identifier: 'honoured',
  service_tier: { only: ['auto', 'default'], why: 'Bedrock serves on-demand at its default tier here' },
  store: { only: [false], why: 'the router stores no completions' },
  logprobs: { only: [false], why: 'Converse returns no log probabilities' },
  modalities: { only: [['text']], why: 'the router answers text' },
  seed: { only: [], why: 'Converse has no seed' },
  frequency_penalty: { only: [0], why: 'Converse has no frequency penalty' },
  presence_penalty: { only: [0], why: 'Converse has no presence penalty' },
  logit_bias: { only: [], why: 'Converse has no logit bias' },
  top_logprobs: { only: [], why: 'Converse returns no log probabilities' },
  reasoning_effort: { only: [], why: 'reasoning settings are model-specific on Bedrock' },
  audio: { only: [], why: 'the router answers text' },
  prediction: { only: [], why: 'Converse has no predicted outputs' },
  web_search_options: { only: [], why: 'the router has no web search' },
  prompt_cache_key: { only: [], why: 'Bedrock caches at cachePoint blocks (the Converse API), not by key' },
  verbosity: { only: [], why: 'Converse has no verbosity setting' },
  functions: { only: [], why: 'the deprecated functions API is not served; use tools' },
  function_call: { only: [], why: 'the deprecated functions API is not served; use tool_choice' },
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Refuses the first field that is unknown or carries a value the router cannot honour. */
export function checkChatFields(body: JsonObject): void {
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    const policy = Object.prototype.hasOwnProperty.call(CHAT_FIELDS, key) ? CHAT_FIELDS[key] : undefined;
    if (policy === undefined)
      invalid(key, 'is not a chat completions field this router knows', 'unsupported_parameter');
    if (policy === 'honoured') continue;
    if (!policy.only.some((v) => same(v, value)))
      invalid(
        key,
        policy.only.length === 0
          ? `is not supported: ${policy.why}`
          : `must be ${policy.only.map((v) => JSON.stringify(v)).join(' or ')} (${policy.why})`,
        'unsupported_parameter',
      );
  }
}

/** Bedrock requestMetadata values: up to 256 of these characters. https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#bedrock-runtime_Converse-request-requestMetadata */
const METADATA_VALUE = /^[a-zA-Z0-9\s:_@$#=/+,.-]{0,256}$/;

/** `user` and `safety_identifier` as Converse requestMetadata (what Bedrock's invocation logs record per call). */
export function requestMetadataOf(body: JsonObject): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of ['user', 'safety_identifier']) {
    const v = body[key];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !METADATA_VALUE.test(v))
      invalid(key, 'must be a string of at most 256 letters, digits, spaces or :_@$#=/+,.-');
    out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
