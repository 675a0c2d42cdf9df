import type { ModelAnswer } from '../backends/backend';

/**
 * OpenAI's finish_reason of a Converse stopReason, faithfully: a context-window stop is `length`
 * (the answer was cut, as with max_tokens), guardrail and content-filter stops `content_filter`,
 * and `tool_calls` only when the answer carries tool calls.
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_ResponseSyntax
 */
export function finishReason(stopReason: string, hasToolCalls: boolean): string {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content_filter';
    case 'tool_use':
      return hasToolCalls ? 'tool_calls' : 'stop';
    default:
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}

export const hasToolCalls = (answer: ModelAnswer): boolean => answer.content.some((b) => b.toolUse !== undefined);
