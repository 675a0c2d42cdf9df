import { InvokeEndpointCommand } from '@aws-sdk/client-sagemaker-runtime';
import { ModelOutputError } from '../errors';
import { CHARS_PER_TOKEN } from '../features';
import { sagemakerClient } from '../clients';
import type { RouterRequest } from '../request';
import type { Backend, ModelAnswer, ModelCall } from './backend';

/**
 * SageMaker InvokeEndpoint for `hosting: sagemaker` models: an LMI container serving the base model
 * and its LoRA adapters (multi-adapter serving, adapters loaded from the model's adapters/ folder).
 * The payload is the LMI text-generation JSON, the adapter named per request:
 *   request  {"inputs": "<prompt>", "parameters": {"max_new_tokens": n, "temperature": t, "top_p": p, "stop": [...]}, "adapters": "<name>"}
 *   response {"generated_text": "..."}  (a one-element array of it is accepted too)
 * The prompt is a plain transcript ("System: ...", "User: ...", "Assistant: ...", ending with
 * "Assistant:"); token counts are estimated at ~4 characters per token (the container reports none).
 */
export interface LmiRequest {
  readonly inputs: string;
  readonly parameters: { max_new_tokens?: number; temperature?: number; top_p?: number; stop?: string[] };
  /** The LoRA adapter to apply; absent for the base model. */
  readonly adapters?: string;
}

/** A block's text: its own, or a guardContent block's (text a guardrail evaluates is still the prompt's). */
const textOf = (b: { text?: string; guardContent?: { text?: { text?: string } } }): string =>
  b.text ?? b.guardContent?.text?.text ?? '';

export function lmiPrompt(request: RouterRequest): string {
  const lines: string[] = [];
  const system = (request.system ?? []).map(textOf).filter(Boolean).join('\n');
  if (system) lines.push(`System: ${system}`);
  for (const m of request.messages) {
    const text = (m.content ?? []).map(textOf).filter(Boolean).join('\n');
    lines.push(`${m.role === 'assistant' ? 'Assistant' : 'User'}: ${text}`);
  }
  lines.push('Assistant:');
  return lines.join('\n');
}

export function lmiRequest(request: RouterRequest, adapter?: string): LmiRequest {
  const c = request.inferenceConfig;
  return {
    inputs: lmiPrompt(request),
    parameters: { max_new_tokens: c?.maxTokens, temperature: c?.temperature, top_p: c?.topP, stop: c?.stopSequences },
    ...(adapter ? { adapters: adapter } : {}),
  };
}

/** The adapter to apply: metadata.adapter when the endpoint serves it, else the first (default) adapter. */
export function adapterOf(call: ModelCall): string | undefined {
  const adapters = call.model.adapters ?? [];
  const wanted = call.request.metadata.adapter;
  return (wanted !== undefined ? adapters.find((a) => a.name === wanted) : undefined)?.name ?? adapters[0]?.name;
}

export function generatedText(body: unknown): string {
  const first = Array.isArray(body) ? (body[0] as unknown) : body;
  const text =
    typeof first === 'object' && first !== null ? (first as { generated_text?: unknown }).generated_text : undefined;
  if (typeof text !== 'string') throw new ModelOutputError('the endpoint answered without generated_text');
  return text;
}

export const sagemakerBackend: Backend = {
  async invoke(call: ModelCall): Promise<ModelAnswer> {
    const payload = lmiRequest(call.request, adapterOf(call));
    const out = await sagemakerClient(call.region).send(
      new InvokeEndpointCommand({
        EndpointName: call.targetId,
        ContentType: 'application/json',
        Accept: 'application/json',
        Body: new TextEncoder().encode(JSON.stringify(payload)),
      }),
      { abortSignal: call.signal },
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(out.Body));
    } catch (err) {
      throw new ModelOutputError('the endpoint answered with invalid JSON', { cause: err });
    }
    const text = generatedText(parsed);
    const inputTokens = Math.ceil(payload.inputs.length / CHARS_PER_TOKEN);
    const outputTokens = Math.ceil(text.length / CHARS_PER_TOKEN);
    return {
      content: [{ text }],
      stopReason: 'end_turn',
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
    };
  },
};
