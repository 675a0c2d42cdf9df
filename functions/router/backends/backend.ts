import type { ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { TableModel } from '../../../contracts/routing-table';
import type { RouterRequest } from '../request';

/** One call of one model in one Region. */
export interface ModelCall {
  readonly model: TableModel;
  /** The target id: Bedrock model or inference profile id; SageMaker endpoint name. */
  readonly targetId: string;
  readonly region: string;
  readonly request: RouterRequest;
  readonly guardrail?: { readonly id: string; readonly version: string };
  readonly signal: AbortSignal;
}

export interface ModelAnswer {
  readonly content: ContentBlock[];
  /** Bedrock's StopReason, or end_turn for SageMaker. */
  readonly stopReason: string;
  readonly usage: {
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly totalTokens: number;
    /** Bedrock prompt caching: tokens read from and written to the cache, when the model reports them. */
    readonly cacheReadInputTokens?: number;
    readonly cacheWriteInputTokens?: number;
  };
  /** Bedrock's own metrics of the call (latencyMs). */
  readonly metrics?: { readonly latencyMs?: number };
  /** The model-specific response fields asked for with additionalModelResponseFieldPaths. */
  readonly additionalModelResponseFields?: unknown;
}

/** A backend calls one hosting type; it throws the SDK's errors unchanged (the invoker classifies them). */
export interface Backend {
  invoke(call: ModelCall): Promise<ModelAnswer>;
}
