import type { StreamEvent } from '../backends/stream';
import { errorType, type RouterError } from '../errors';
import type { ResponseSink } from '../response-sink';
import type { RoutingRecord } from '../routing-record';
import type { StreamWriter } from '../streaming';
import { finishReason } from './finish';

/**
 * `stream: true` on POST /v1/chat/completions: server-sent events in OpenAI's chunk format
 * (`data: {"object":"chat.completion.chunk",...}` per event, `data: [DONE]` last). The first chunk
 * carries the role; text deltas `content`; a tool call its id and name, then its arguments in
 * pieces (`tool_calls[i].function.arguments`); the last choice chunk the finish_reason; with
 * `stream_options.include_usage` a chunk with empty `choices` and the `usage`; then a chunk with
 * empty `choices` and the router's `routing` record. A failure after the first chunk is
 * `data: {"error":{"message","type","param","code"}}` (what the openai client raises as an APIError).
 * https://platform.openai.com/docs/api-reference/chat-streaming/streaming
 */
export interface OpenAiStreamOptions {
  readonly includeUsage: boolean;
}

export function openAiStreamWriter(
  sink: ResponseSink,
  requestId: string,
  options: OpenAiStreamOptions,
  created = Math.floor(Date.now() / 1000),
): StreamWriter {
  const id = `chatcmpl-${requestId}`;
  let model = '';
  const send = (value: unknown): void => sink.write(`data: ${JSON.stringify(value)}\n\n`);
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): void =>
    send({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
    });
  /** OpenAI tool-call index of each Converse content block that is a tool call. */
  const toolIndex = new Map<number, number>();
  return {
    closed: sink.closed,
    open(modelId, headers) {
      model = modelId;
      sink.start(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'x-request-id': requestId,
        ...headers,
      });
      chunk({ role: 'assistant', content: '' });
    },
    event(e: StreamEvent) {
      const start = e.contentBlockStart;
      if (start?.start?.toolUse !== undefined) {
        const index = toolIndex.size;
        toolIndex.set(start.contentBlockIndex ?? 0, index);
        chunk({
          tool_calls: [
            {
              index,
              id: start.start.toolUse.toolUseId,
              type: 'function',
              function: { name: start.start.toolUse.name, arguments: '' },
            },
          ],
        });
        return;
      }
      const d = e.contentBlockDelta;
      if (d?.delta?.text !== undefined) chunk({ content: d.delta.text });
      else if (d?.delta?.toolUse?.input !== undefined)
        chunk({
          tool_calls: [
            { index: toolIndex.get(d.contentBlockIndex ?? 0) ?? 0, function: { arguments: d.delta.toolUse.input } },
          ],
        });
    },
    end(answer, routing: RoutingRecord) {
      chunk({}, finishReason(answer.stopReason, toolIndex.size > 0));
      const tail = { id, object: 'chat.completion.chunk', created, model, choices: [] };
      if (options.includeUsage)
        send({
          ...tail,
          usage: {
            prompt_tokens: answer.usage.inputTokens,
            completion_tokens: answer.usage.outputTokens,
            total_tokens: answer.usage.totalTokens,
          },
        });
      send({ ...tail, routing });
      sink.write('data: [DONE]\n\n');
      sink.end();
    },
    fail(err: RouterError, reqId: string, routing: RoutingRecord) {
      send({
        error: {
          message: err.message,
          type: errorType(err.status),
          param: null,
          code: err.code,
          requestId: reqId,
          routing,
        },
      });
      sink.end();
    },
  };
}
