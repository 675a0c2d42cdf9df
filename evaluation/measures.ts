import type { Model, ModelCatalog } from '../schemas/generated/model-catalog';
import type { CallResult } from './run';

/** What one model measured on a dataset. */
export interface ModelSummary {
  readonly model: string;
  /** Examples sent to it (answered or failed). */
  readonly examples: number;
  readonly answered: number;
  readonly failed: number;
  /** Mean score over every example sent, failed calls counting 0. */
  readonly quality: number;
  /** Nearest-rank percentiles of the answered calls' wall time. */
  readonly latencyP50Ms?: number;
  readonly latencyP95Ms?: number;
  /** Output tokens of the answered calls ÷ their summed wall time in seconds. */
  readonly outputTokensPerSecond?: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Token usage × the catalog's per-token prices; undefined for instance-hour (SageMaker) models. */
  readonly costUsd?: number;
  readonly costPer1kRequestsUsd?: number;
  /**
   * What judging this model's answers cost, apart from the model's own cost: the judge calls'
   * tokens at each judge model's catalog prices. Absent when no answer was judged.
   */
  readonly judging?: {
    readonly judged: number;
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly costUsd?: number;
  };
}

/** The nearest-rank percentile (p in 0..100) of a list of numbers; undefined for an empty list. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** USD for a call's tokens at the model's catalog prices; undefined when the model is not priced per token. */
export function tokenCostUsd(model: Model | undefined, inputTokens: number, outputTokens: number): number | undefined {
  const p = model?.pricing;
  if (p?.inputPerMillionTokensUsd === undefined || p.outputPerMillionTokensUsd === undefined) return undefined;
  return (inputTokens * p.inputPerMillionTokensUsd + outputTokens * p.outputPerMillionTokensUsd) / 1e6;
}

/** One summary per model that answered or was asked, in order of first appearance. */
export function summarize(results: readonly CallResult[], catalog: ModelCatalog): ModelSummary[] {
  const byModel = new Map<string, CallResult[]>();
  for (const r of results) byModel.set(r.model, [...(byModel.get(r.model) ?? []), r]);
  return [...byModel].map(([model, rs]) => {
    const answered = rs.filter((r) => r.ok);
    // Calls with no measured latency (an evaluation job's) leave the latency figures unmeasured.
    const latencies = answered.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]));
    const inputTokens = answered.reduce((s, r) => s + (r.inputTokens ?? 0), 0);
    const outputTokens = answered.reduce((s, r) => s + (r.outputTokens ?? 0), 0);
    const seconds = latencies.reduce((s, l) => s + l, 0) / 1000;
    // Calls that report no token usage (an evaluation job's) leave the cost unmeasured, not zero.
    const metered = answered.some((r) => r.inputTokens !== undefined || r.outputTokens !== undefined);
    const cost = metered
      ? tokenCostUsd(
          catalog.models.find((m) => m.id === model),
          inputTokens,
          outputTokens,
        )
      : undefined;
    const judged = rs.flatMap((r) => (r.judge ? [r.judge] : []));
    const judgeCosts = judged.map((j) =>
      tokenCostUsd(
        catalog.models.find((m) => m.id === j.model),
        j.inputTokens,
        j.outputTokens,
      ),
    );
    const judging =
      judged.length === 0
        ? undefined
        : {
            judged: judged.length,
            inputTokens: judged.reduce((s, j) => s + j.inputTokens, 0),
            outputTokens: judged.reduce((s, j) => s + j.outputTokens, 0),
            ...(judgeCosts.every((c) => c !== undefined)
              ? { costUsd: judgeCosts.reduce((s: number, c) => s + (c ?? 0), 0) }
              : {}),
          };
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);
    return {
      model,
      examples: rs.length,
      answered: answered.length,
      failed: rs.length - answered.length,
      quality: rs.reduce((s, r) => s + r.score, 0) / rs.length,
      ...(p50 !== undefined ? { latencyP50Ms: p50 } : {}),
      ...(p95 !== undefined ? { latencyP95Ms: p95 } : {}),
      ...(seconds > 0 ? { outputTokensPerSecond: outputTokens / seconds } : {}),
      inputTokens,
      outputTokens,
      ...(cost !== undefined
        ? { costUsd: cost, ...(answered.length > 0 ? { costPer1kRequestsUsd: (cost / answered.length) * 1000 } : {}) }
        : {}),
      ...(judging ? { judging } : {}),
    };
  });
}
