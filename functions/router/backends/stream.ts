import { ConverseStreamCommand, type ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from '../clients';
import type { ModelAnswer, ModelCall } from './backend';
import { converseInput } from './bedrock';

/** One event of a model's stream, in Converse's vocabulary (exception members are thrown by the SDK, never yielded). */
export type StreamEvent = ConverseStreamOutput;

/** A backend that streams: it opens the stream (throwing the SDK's errors unchanged) and yields its events. */
export interface StreamingBackend {
  stream(call: ModelCall): Promise<AsyncIterator<StreamEvent>>;
}

/** Bedrock ConverseStream with the target id; the call's signal aborts the HTTP response too. */
export const bedrockStreamBackend: StreamingBackend = {
  async stream(call: ModelCall): Promise<AsyncIterator<StreamEvent>> {
    const out = await bedrockClient(call.region).send(new ConverseStreamCommand(converseInput(call)), {
      abortSignal: call.signal,
    });
    if (out.stream === undefined) throw new Error('ConverseStream answered without a stream');
    return out.stream[Symbol.asyncIterator]();
  },
};

/** A whole answer as the events a stream of it would have had. */
// eslint-disable-next-line @typescript-eslint/require-await -- an async iterator, as a stream is
export async function* answerEvents(answer: ModelAnswer): AsyncGenerator<StreamEvent> {
  yield { messageStart: { role: 'assistant' } };
  for (const [contentBlockIndex, block] of answer.content.entries()) {
    if (block.toolUse !== undefined) {
      const { toolUseId, name, input } = block.toolUse;
      yield { contentBlockStart: { contentBlockIndex, start: { toolUse: { toolUseId, name } } } };
      yield { contentBlockDelta: { contentBlockIndex, delta: { toolUse: { input: JSON.stringify(input ?? {}) } } } };
    } else if (block.text !== undefined)
      yield { contentBlockDelta: { contentBlockIndex, delta: { text: block.text } } };
    else continue;
    yield { contentBlockStop: { contentBlockIndex } };
  }
  yield { messageStop: { stopReason: answer.stopReason as 'end_turn' } };
  yield { metadata: { usage: { ...answer.usage }, metrics: undefined } };
}

/**
 * A backend that answers whole, streamed as one chunk once the answer is there: a SageMaker model
 * whose catalog capabilities say it does not stream (sagemaker-stream.ts), so it still serves a
 * streaming request, its first token arriving with its last.
 */
export function wholeAnswerStream(invoke: (call: ModelCall) => Promise<ModelAnswer>): StreamingBackend {
  return {
    async stream(call) {
      return answerEvents(await invoke(call));
    },
  };
}
