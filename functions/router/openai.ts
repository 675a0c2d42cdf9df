import type { ContentBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ModelAnswer } from './backends/backend';
import { BadRequestError } from './errors';
import { metadata, type RouterRequest } from './request';

/**
 * The OpenAI-compatible chat completions API: `model` names the route; the answer names the model
 * that served it. Supported: messages (system, developer, user, assistant; text and data-URL
 * images), max_tokens / max_completion_tokens, temperature, top_p, stop, n = 1, metadata (routing
 * hints). Not supported (400): stream, tools and tool messages. Other OpenAI keys are ignored.
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(path: string, message: string, code = 'invalid_request'): never {
  throw new BadRequestError(`${path} ${message}`, code);
}

const DATA_URL = /^data:image\/(png|jpeg|jpg|gif|webp);base64,([A-Za-z0-9+/]*={0,2})$/;

function parts(content: unknown, path: string): ContentBlock[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content) || content.length === 0) fail(path, 'must be a string or a non-empty array of content parts');
  return content.map((p, i): ContentBlock => {
    if (!isObject(p)) fail(`${path}[${i}]`, 'must be an object');
    if (p.type === 'text' && typeof p.text === 'string') return { text: p.text };
    if (p.type === 'image_url' && isObject(p.image_url) && typeof p.image_url.url === 'string') {
      const m = DATA_URL.exec(p.image_url.url);
      if (!m) fail(`${path}[${i}].image_url.url`, 'must be a base64 data URL (data:image/png;base64,...); remote URLs are not fetched');
      const format = m[1] === 'jpg' ? 'jpeg' : (m[1] as 'png' | 'jpeg' | 'gif' | 'webp');
      return { image: { format, source: { bytes: Buffer.from(m[2], 'base64') } } };
    }
    return fail(`${path}[${i}]`, 'must be {"type":"text","text":...} or {"type":"image_url","image_url":{"url":...}}');
  });
}

function numberIn(body: Json, key: string, min: number, max: number, integer = false): number | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) fail(key, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  return v;
}

/** The route id and the router request of an OpenAI chat completions body. */
export function chatCompletionRequest(body: unknown): { routeId: string; request: RouterRequest } {
  if (!isObject(body)) fail('body', 'must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') fail('model', 'must be a route id (GET /v1/routes lists them)');
  if (body.stream === true) fail('stream', 'is not supported: the router answers whole responses', 'unsupported_parameter');
  if (body.tools !== undefined || body.functions !== undefined) fail('tools', 'are not supported on this API; use POST /v1/routes/{route}/converse with toolConfig', 'unsupported_parameter');
  if (body.n !== undefined && body.n !== null && body.n !== 1) fail('n', 'must be 1', 'unsupported_parameter');
  if (!Array.isArray(body.messages) || body.messages.length === 0) fail('messages', 'must be a non-empty array');
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  body.messages.forEach((m, i) => {
    const path = `messages[${i}]`;
    if (!isObject(m)) fail(path, 'must be an object');
    if (m.role === 'system' || m.role === 'developer') {
      for (const b of parts(m.content, `${path}.content`)) {
        if (b.text === undefined) fail(`${path}.content`, 'of a system message must be text');
        system.push({ text: b.text });
      }
      return;
    }
    if (m.role !== 'user' && m.role !== 'assistant') fail(`${path}.role`, 'must be system, developer, user or assistant', m.role === 'tool' || m.role === 'function' ? 'unsupported_parameter' : 'invalid_request');
    const content = parts(m.content, `${path}.content`);
    const last = messages[messages.length - 1];
    // Converse wants alternating roles: consecutive messages of one role become one message.
    if (last !== undefined && last.role === m.role) last.content = [...(last.content ?? []), ...content];
    else messages.push({ role: m.role, content });
  });
  if (messages.length === 0) fail('messages', 'must include a user message');
  const stop = body.stop;
  if (stop !== undefined && stop !== null && typeof stop !== 'string' && !(Array.isArray(stop) && stop.length <= 16 && stop.every((s) => typeof s === 'string'))) fail('stop', 'must be a string or an array of at most 16 strings');
  const maxTokens = numberIn(body, 'max_completion_tokens', 1, 1_000_000, true) ?? numberIn(body, 'max_tokens', 1, 1_000_000, true);
  return {
    routeId: body.model,
    request: {
      messages,
      system: system.length > 0 ? system : undefined,
      inferenceConfig: {
        maxTokens,
        temperature: numberIn(body, 'temperature', 0, 2),
        topP: numberIn(body, 'top_p', 0, 1),
        stopSequences: typeof stop === 'string' ? [stop] : (stop ?? undefined),
      },
      metadata: metadata(body.metadata ?? undefined),
    },
  };
}

const FINISH: Readonly<Record<string, string>> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  content_filtered: 'content_filter',
  guardrail_intervened: 'content_filter',
};

/** The OpenAI chat completion object of an answer. */
export function chatCompletionResponse(requestId: string, modelId: string, answer: ModelAnswer, created: number): Json {
  const text = answer.content.map((b) => b.text ?? '').join('');
  return {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion',
    created,
    model: modelId,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: FINISH[answer.stopReason] ?? 'stop', logprobs: null }],
    usage: { prompt_tokens: answer.usage.inputTokens, completion_tokens: answer.usage.outputTokens, total_tokens: answer.usage.totalTokens },
  };
}
