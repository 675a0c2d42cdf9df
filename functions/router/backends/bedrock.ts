import { ConverseCommand, type ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { bedrockClient } from '../clients';
import { requestFor } from '../model-fields';
import type { Backend, ModelAnswer, ModelCall } from './backend';

/** The request both Converse and ConverseStream take: the target id, the parsed request and the route's guardrail. */
export function converseInput(call: ModelCall): ConverseCommandInput {
  // Without what this model's capabilities do not take (cachePoint, performanceConfig: model-fields.ts).
  const request = requestFor(call.model, call.request);
  return {
    modelId: call.targetId,
    messages: request.messages,
    system: request.system,
    inferenceConfig: request.inferenceConfig,
    toolConfig: request.toolConfig,
    requestMetadata: request.requestMetadata,
    additionalModelRequestFields: request.additionalModelRequestFields as never,
    additionalModelResponseFieldPaths: request.additionalModelResponseFieldPaths,
    ...(request.performanceConfig !== undefined ? { performanceConfig: request.performanceConfig } : {}),
    guardrailConfig: call.guardrail
      ? {
          guardrailIdentifier: call.guardrail.id,
          guardrailVersion: call.guardrail.version,
          ...(request.guardrailConfig?.trace !== undefined ? { trace: request.guardrailConfig.trace } : {}),
        }
      : undefined,
  };
}

/** Bedrock Converse with the target id (a model id or inference profile id, as the table says). */
export const bedrockBackend: Backend = {
  async invoke(call: ModelCall): Promise<ModelAnswer> {
    const out = await bedrockClient(call.region).send(new ConverseCommand(converseInput(call)), {
      abortSignal: call.signal,
    });
    const inputTokens = out.usage?.inputTokens ?? 0;
    const outputTokens = out.usage?.outputTokens ?? 0;
    const { cacheReadInputTokens, cacheWriteInputTokens } = out.usage ?? {};
    return {
      content: out.output?.message?.content ?? [],
      stopReason: out.stopReason ?? 'end_turn',
      usage: {
        inputTokens,
        outputTokens,
        totalTokens: out.usage?.totalTokens ?? inputTokens + outputTokens,
        ...(cacheReadInputTokens !== undefined ? { cacheReadInputTokens } : {}),
        ...(cacheWriteInputTokens !== undefined ? { cacheWriteInputTokens } : {}),
      },
      ...(out.metrics !== undefined ? { metrics: { latencyMs: out.metrics.latencyMs } } : {}),
      ...(out.additionalModelResponseFields !== undefined
        ? { additionalModelResponseFields: out.additionalModelResponseFields }
        : {}),
    };
  },
};
