import type { TableModel } from '../../../contracts/routing-table';
import type { ModelAnswer } from '../backends/backend';

type Pricing = TableModel['pricing'];

/**
 * The cost of one answer: catalog prices × its usage. Bedrock's `inputTokens` excludes the tokens
 * read from or written to the prompt cache, which it reports apart; they are priced at the
 * catalog's cache prices, or as input tokens where the catalog gives none.
 * https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html
 */
export function answerCostUsd(pricing: Pricing | undefined, usage: ModelAnswer['usage']): number {
  if (pricing === undefined) return 0;
  const input = pricing.inputPerMillionTokensUsd;
  return (
    (usage.inputTokens * input +
      usage.outputTokens * pricing.outputPerMillionTokensUsd +
      (usage.cacheReadInputTokens ?? 0) * (pricing.cacheReadPerMillionTokensUsd ?? input) +
      (usage.cacheWriteInputTokens ?? 0) * (pricing.cacheWritePerMillionTokensUsd ?? input)) /
    1_000_000
  );
}

/** Every token of an answer, as a tokens-per-minute limit counts them (cache reads and writes are input tokens too). */
export function answerTokens(usage: ModelAnswer['usage']): number {
  return (
    usage.inputTokens + usage.outputTokens + (usage.cacheReadInputTokens ?? 0) + (usage.cacheWriteInputTokens ?? 0)
  );
}

/**
 * The most a request may cost before it is answered: its estimated input tokens at the dearest
 * input price (cache writes included) of the models it may reach, and its maxTokens (or the largest
 * output any of them allows) at the dearest output price. What a budget reserves.
 */
export function reservedCostUsd(models: readonly TableModel[], inputTokens: number, maxTokens: number): number {
  let input = 0;
  let output = 0;
  for (const m of models) {
    const p = m.pricing;
    input = Math.max(input, p.inputPerMillionTokensUsd, p.cacheWritePerMillionTokensUsd ?? 0);
    output = Math.max(output, p.outputPerMillionTokensUsd);
  }
  return (inputTokens * input + maxTokens * output) / 1_000_000;
}
