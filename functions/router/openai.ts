import type { ContentBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ModelAnswer } from './backends/backend';
import { INFERENCE_LIMITS, metadata, type RouterRequest } from './request';
import {
  invalid,
  isObject,
  isStringList,
  nonEmptyArrayAt,
  objectAt,
  oneOfAt,
  optionalNumberAt,
  type JsonObject,
  type NumberRange,
} from './validation';

/**
 * The OpenAI-compatible chat completions API: `model` names the route; the answer names the model
 * that served it. Supported: messages (system, developer, user, assistant; text and data-URL
 * images), max_tokens / max_completion_tokens, temperature, top_p, stop, n = 1, metadata (routing
 * hints). Not supported (400): stream, tools and tool messages. Other OpenAI keys are ignored.
 */
const DATA_URL = /^data:image\/(png|jpeg|jpg|gif|webp);base64,([A-Za-z0-9+/]*={0,2})$/;

function parts(content: unknown, path: string): ContentBlock[] {
  if (typeof content === 'string') return [{ text: content }];
  return nonEmptyArrayAt(content, path, 'must be a string or a non-empty array of content parts').map(
    (item, i): ContentBlock => {
      const p = objectAt(item, `${path}[${i}]`);
      if (p.type === 'text' && typeof p.text === 'string') return { text: p.text };
      if (p.type === 'image_url' && isObject(p.image_url) && typeof p.image_url.url === 'string') {
        const m = DATA_URL.exec(p.image_url.url);
        if (!m)
          invalid(
            `${path}[${i}].image_url.url`,
            'must be a base64 data URL (data:image/png;base64,...); remote URLs are not fetched',
          );
        const format = m[1] === 'jpg' ? 'jpeg' : (m[1] as 'png' | 'jpeg' | 'gif' | 'webp');
        return { image: { format, source: { bytes: Buffer.from(m[2], 'base64') } } };
      }
      return invalid(
        `${path}[${i}]`,
        'must be {"type":"text","text":...} or {"type":"image_url","image_url":{"url":...}}',
      );
    },
  );
}

const ROLES = ['system', 'developer', 'user', 'assistant'] as const;

/** An optional number of an OpenAI body, where null means absent. */
const optionalNumber = (body: JsonObject, key: string, range: NumberRange): number | undefined =>
  optionalNumberAt(body[key] ?? undefined, key, range);

/** The route id and the router request of an OpenAI chat completions body. */
export function chatCompletionRequest(value: unknown): { routeId: string; request: RouterRequest } {
  const body = objectAt(value, 'body', 'must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '')
    invalid('model', 'must be a route id (GET /v1/routes lists them)');
  if (body.stream === true)
    invalid('stream', 'is not supported: the router answers whole responses', 'unsupported_parameter');
  if (body.tools !== undefined || body.functions !== undefined)
    invalid(
      'tools',
      'are not supported on this API; use POST /v1/routes/{route}/converse with toolConfig',
      'unsupported_parameter',
    );
  if (body.n !== undefined && body.n !== null && body.n !== 1) invalid('n', 'must be 1', 'unsupported_parameter');
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  nonEmptyArrayAt(body.messages, 'messages').forEach((item, i) => {
    const path = `messages[${i}]`;
    const m = objectAt(item, path);
    const role = oneOfAt(
      m.role,
      `${path}.role`,
      ROLES,
      m.role === 'tool' || m.role === 'function' ? 'unsupported_parameter' : undefined,
    );
    if (role === 'system' || role === 'developer') {
      for (const b of parts(m.content, `${path}.content`)) {
        if (b.text === undefined) invalid(`${path}.content`, 'of a system message must be text');
        system.push({ text: b.text });
      }
      return;
    }
    const content = parts(m.content, `${path}.content`);
    const last = messages[messages.length - 1];
    // Converse wants alternating roles: consecutive messages of one role become one message.
    if (last !== undefined && last.role === role) last.content = [...(last.content ?? []), ...content];
    else messages.push({ role, content });
  });
  if (messages.length === 0) invalid('messages', 'must include a user message');
  const stop = body.stop;
  if (
    stop !== undefined &&
    stop !== null &&
    typeof stop !== 'string' &&
    !isStringList(stop, INFERENCE_LIMITS.stopSequences)
  )
    invalid('stop', `must be a string or an array of at most ${INFERENCE_LIMITS.stopSequences} strings`);
  const maxTokens =
    optionalNumber(body, 'max_completion_tokens', INFERENCE_LIMITS.maxTokens) ??
    optionalNumber(body, 'max_tokens', INFERENCE_LIMITS.maxTokens);
  return {
    routeId: body.model,
    request: {
      messages,
      system: system.length > 0 ? system : undefined,
      inferenceConfig: {
        maxTokens,
        temperature: optionalNumber(body, 'temperature', INFERENCE_LIMITS.temperature),
        topP: optionalNumber(body, 'top_p', INFERENCE_LIMITS.topP),
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
export function chatCompletionResponse(
  requestId: string,
  modelId: string,
  answer: ModelAnswer,
  created: number,
): JsonObject {
  const text = answer.content.map((b) => b.text ?? '').join('');
  return {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion',
    created,
    model: modelId,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: text },
        finish_reason: (Object.hasOwn(FINISH, answer.stopReason) ? FINISH[answer.stopReason] : undefined) ?? 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: answer.usage.inputTokens,
      completion_tokens: answer.usage.outputTokens,
      total_tokens: answer.usage.totalTokens,
    },
  };
}
