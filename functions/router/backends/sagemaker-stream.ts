import { InvokeEndpointWithResponseStreamCommand, type ResponseStream } from '@aws-sdk/client-sagemaker-runtime';
import { ModelOutputError } from '../errors';
import { CHARS_PER_TOKEN } from '../features';
import { sagemakerClient } from '../clients';
import type { ModelCall } from './backend';
import { adapterOf, lmiRequest, sagemakerBackend } from './sagemaker';
import { wholeAnswerStream, type StreamEvent, type StreamingBackend } from './stream';

/**
 * SageMaker InvokeEndpointWithResponseStream for a model whose catalog capabilities say it streams
 * (the table's `streaming`): the LMI request with `"stream": true`, answered as JSON lines, one per
 * token (`{"token": {"text", "special", ...}, "generated_text", "details"}`; the last has the whole
 * text and `details.finish_reason`), in PayloadPart events whose boundaries need not fall between
 * lines. Turned into Converse stream events, so the router streams a SageMaker model exactly as a
 * Bedrock one: failover before the first token, an error event after it. A model that does not
 * stream has its whole answer streamed as one chunk. InvokeEndpointWithResponseStream takes the
 * same sagemaker:InvokeEndpoint permission as InvokeEndpoint.
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointWithResponseStream.html
 * https://docs.djl.ai/docs/serving/serving/docs/lmi/user_guides/lmi_input_output_schema.html
 */

interface LmiStreamLine {
  readonly token?: { readonly text?: unknown; readonly special?: unknown };
  readonly details?: { readonly finish_reason?: unknown } | null;
}

/** LMI's finish reasons onto Converse's stop reasons (eos_token, stop_sequence: the model ended its turn). */
const STOP_REASONS: Readonly<Record<string, string>> = { length: 'max_tokens' };

function parseLine(line: string): LmiStreamLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new ModelOutputError("the endpoint's stream has a line that is not JSON", { cause: err });
  }
  if (typeof parsed === 'object' && parsed !== null) return parsed;
  throw new ModelOutputError("the endpoint's stream has a line that is not a JSON object");
}

/** The Converse events of an LMI JSON-lines stream (exceptions in it are thrown by the SDK, unchanged). */
export async function* lmiStreamEvents(
  parts: AsyncIterable<ResponseStream>,
  inputTokens: number,
): AsyncGenerator<StreamEvent> {
  yield { messageStart: { role: 'assistant' } };
  const decoder = new TextDecoder();
  let pending = '';
  let outputTokens = 0;
  let finishReason: string | undefined;
  const lineEvents = function* (line: string): Generator<StreamEvent> {
    if (line.trim() === '') return;
    const parsed = parseLine(line);
    if (typeof parsed.details?.finish_reason === 'string') finishReason = parsed.details.finish_reason;
    const text = parsed.token?.text;
    if (parsed.token !== undefined) outputTokens++;
    if (typeof text === 'string' && text !== '' && parsed.token?.special !== true)
      yield { contentBlockDelta: { contentBlockIndex: 0, delta: { text } } };
  };
  for await (const part of parts) {
    if (part.PayloadPart?.Bytes === undefined) continue;
    pending += decoder.decode(part.PayloadPart.Bytes, { stream: true });
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      yield* lineEvents(line);
    }
  }
  pending += decoder.decode();
  // A last line without its newline is still a whole line when it parses; a cut one is a truncation.
  yield* lineEvents(pending);
  yield { contentBlockStop: { contentBlockIndex: 0 } };
  yield { messageStop: { stopReason: (STOP_REASONS[finishReason ?? ''] ?? 'end_turn') as 'end_turn' } };
  yield {
    metadata: { usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens }, metrics: undefined },
  };
}

const whole = wholeAnswerStream((call) => sagemakerBackend.invoke(call));

export const sagemakerStreamBackend: StreamingBackend = {
  async stream(call: ModelCall): Promise<AsyncIterator<StreamEvent>> {
    if (call.model.streaming !== true) return whole.stream(call);
    const payload = { ...lmiRequest(call.request, adapterOf(call)), stream: true };
    const out = await sagemakerClient(call.region).send(
      new InvokeEndpointWithResponseStreamCommand({
        EndpointName: call.targetId,
        ContentType: 'application/json',
        Accept: 'application/jsonlines',
        Body: new TextEncoder().encode(JSON.stringify(payload)),
      }),
      { abortSignal: call.signal },
    );
    if (out.Body === undefined)
      throw new ModelOutputError('InvokeEndpointWithResponseStream answered without a stream');
    return lmiStreamEvents(out.Body, Math.ceil(payload.inputs.length / CHARS_PER_TOKEN))[Symbol.asyncIterator]();
  },
};
