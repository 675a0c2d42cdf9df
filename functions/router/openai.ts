import type { ContentBlock, Message, SystemContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { ModelAnswer } from './backends/backend';
import { checkChatFields, requestMetadataOf } from './openai/fields';
import { finishReason } from './openai/finish';
import type { OpenAiStreamOptions } from './openai/stream';
import { strictToolsCheck, structuredCheck, structuredOutputOf, type AnswerCheck } from './openai/structured';
import { toolCallsOf, toolConfigOf, toolResultBlock, toolUseBlocks } from './openai/tools';
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
 * that served it. Supported: messages (system, developer, user, assistant with text or tool_calls,
 * tool; text and data-URL images), max_tokens / max_completion_tokens, temperature, top_p, stop,
 * n = 1, stream and stream_options, tools / tool_choice / parallel_tool_calls (openai/tools.ts),
 * response_format (openai/structured.ts), metadata (routing hints), user (Bedrock requestMetadata).
 * Every other field is refused by name or accepted only at its neutral value (openai/fields.ts).
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

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool'] as const;

/** `stream` and `stream_options` (include_usage only); undefined for a whole answer. */
function streamOptions(body: JsonObject): OpenAiStreamOptions | undefined {
  const { stream, stream_options: options } = body;
  if (stream !== undefined && stream !== null && typeof stream !== 'boolean') invalid('stream', 'must be a boolean');
  if (options !== undefined && options !== null) {
    if (stream !== true) invalid('stream_options', 'is only allowed with stream: true');
    const o = objectAt(options, 'stream_options');
    for (const k of Object.keys(o))
      if (k !== 'include_usage')
        invalid(`stream_options.${k}`, 'is not supported (include_usage is)', 'unsupported_parameter');
    if (o.include_usage !== undefined && typeof o.include_usage !== 'boolean')
      invalid('stream_options.include_usage', 'must be a boolean');
    return { includeUsage: o.include_usage === true };
  }
  return stream === true ? { includeUsage: false } : undefined;
}

/** An optional number of an OpenAI body, where null means absent. */
const optionalNumber = (body: JsonObject, key: string, range: NumberRange): number | undefined =>
  optionalNumberAt(body[key] ?? undefined, key, range);

/** The route id and the router request of an OpenAI chat completions body. */
export function chatCompletionRequest(value: unknown): {
  routeId: string;
  request: RouterRequest;
  /** Present when the body asks for a stream (`stream: true`). */
  stream?: OpenAiStreamOptions;
  /**
   * Present when the answer must pass a check before it is served: response_format json_object or
   * json_schema, or tools with `strict: true`.
   */
  answerCheck?: AnswerCheck;
} {
  const body = objectAt(value, 'body', 'must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '')
    invalid('model', 'must be a route id (GET /v1/models lists them)');
  checkChatFields(body);
  const stream = streamOptions(body);
  if (body.n !== undefined && body.n !== null && body.n !== 1) invalid('n', 'must be 1', 'unsupported_parameter');
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  let historyHasTools = false;
  nonEmptyArrayAt(body.messages, 'messages').forEach((item, i) => {
    const path = `messages[${i}]`;
    const m = objectAt(item, path);
    const role = oneOfAt(m.role, `${path}.role`, ROLES, m.role === 'function' ? 'unsupported_parameter' : undefined);
    if (role === 'system' || role === 'developer') {
      for (const b of parts(m.content, `${path}.content`)) {
        if (b.text === undefined) invalid(`${path}.content`, 'of a system message must be text');
        system.push({ text: b.text });
      }
      return;
    }
    let content: ContentBlock[];
    if (role === 'tool') {
      historyHasTools = true;
      content = [toolResultBlock(m, path)];
    } else if (role === 'assistant' && m.tool_calls !== undefined && m.tool_calls !== null) {
      historyHasTools = true;
      const text =
        m.content === null || m.content === undefined || m.content === '' ? [] : parts(m.content, `${path}.content`);
      content = [...text, ...toolUseBlocks(m.tool_calls, `${path}.tool_calls`)];
    } else content = parts(m.content, `${path}.content`);
    // A tool result is the user's turn in Converse.
    const converseRole = role === 'tool' ? 'user' : role;
    const last = messages[messages.length - 1];
    // Converse wants alternating roles: consecutive messages of one role become one message.
    if (last !== undefined && last.role === converseRole) last.content = [...(last.content ?? []), ...content];
    else messages.push({ role: converseRole, content });
  });
  const structured = structuredOutputOf(body);
  const tools = structured === undefined ? toolConfigOf(body, historyHasTools) : undefined;
  const toolConfig = structured?.toolConfig ?? tools?.toolConfig;
  const answerCheck =
    structured !== undefined ? structuredCheck(structured) : tools && strictToolsCheck(tools.strictTools);
  const requestMetadata = requestMetadataOf(body);
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
    ...(stream !== undefined ? { stream } : {}),
    ...(answerCheck !== undefined ? { answerCheck } : {}),
    request: {
      messages,
      system: system.length > 0 ? system : undefined,
      inferenceConfig: {
        maxTokens,
        temperature: optionalNumber(body, 'temperature', INFERENCE_LIMITS.temperature),
        topP: optionalNumber(body, 'top_p', INFERENCE_LIMITS.topP),
        stopSequences: typeof stop === 'string' ? [stop] : (stop ?? undefined),
      },
      ...(toolConfig !== undefined ? { toolConfig } : {}),
      metadata: metadata(body.metadata ?? undefined),
      ...(requestMetadata !== undefined ? { requestMetadata } : {}),
    },
  };
}

/** The OpenAI chat completion object of an answer: its text (null when it is only tool calls) and tool_calls. */
export function chatCompletionResponse(
  requestId: string,
  modelId: string,
  answer: ModelAnswer,
  created: number,
): JsonObject {
  const text = answer.content.map((b) => b.text ?? '').join('');
  const toolCalls = toolCallsOf(answer);
  return {
    id: `chatcmpl-${requestId}`,
    object: 'chat.completion',
    created,
    model: modelId,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: toolCalls.length > 0 && text === '' ? null : text,
          refusal: null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: finishReason(answer.stopReason, toolCalls.length > 0),
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: answer.usage.inputTokens,
      completion_tokens: answer.usage.outputTokens,
      total_tokens: answer.usage.totalTokens,
      ...(answer.usage.cacheReadInputTokens !== undefined
        ? { prompt_tokens_details: { cached_tokens: answer.usage.cacheReadInputTokens } }
        : {}),
    },
  };
}
