import type { TrafficAssumption } from '../schemas/generated/environment';
import type { Model } from '../schemas/generated/model-catalog';
import { hostingKind } from '../hosting';

/** A figure a score is built from: measured (the catalog's `performance`) or a stated prior. */
export interface Figure {
  readonly value: number;
  readonly measured: boolean;
  /** Where the figure comes from, in words. */
  readonly basis: string;
}

/** The traffic shape used when neither the environment nor the needs file gives one. */
export const DEFAULT_TRAFFIC: TrafficAssumption = {
  requestsPerDay: 10_000,
  inputTokensPerRequest: 500,
  outputTokensPerRequest: 200,
};

/**
 * The quality prior of an unmeasured model, 0..1: 0.5, plus 0.15 for the `reasoning` strength,
 * 0.05 for each of `coding`, `multilingual`, `extraction`, `domain-tuned`, and 0.1 for each
 * strength the use case prefers; at most 0.9 (a measured score can beat any prior).
 */
export const QUALITY_PRIOR = {
  base: 0.5,
  reasoning: 0.15,
  other: ['coding', 'multilingual', 'extraction', 'domain-tuned'],
  otherBonus: 0.05,
  preferredBonus: 0.1,
  max: 0.9,
} as const;

export function qualityOf(model: Model, preferStrengths: readonly string[] = []): Figure {
  const p = model.performance;
  if (p?.quality !== undefined)
    return { value: p.quality, measured: true, basis: `measured (${p.source}, ${p.measuredAt})` };
  const s: readonly string[] = model.capabilities.strengths ?? [];
  const matched = preferStrengths.filter((x) => s.includes(x));
  const value = Math.min(
    QUALITY_PRIOR.max,
    QUALITY_PRIOR.base +
      (s.includes('reasoning') ? QUALITY_PRIOR.reasoning : 0) +
      QUALITY_PRIOR.otherBonus * QUALITY_PRIOR.other.filter((x) => s.includes(x)).length +
      QUALITY_PRIOR.preferredBonus * matched.length,
  );
  return {
    value,
    measured: false,
    basis: `unmeasured: prior from strengths ${s.length ? s.join(', ') : '(none)'}${matched.length ? `, preferred ${matched.join(', ')}` : ''}`,
  };
}

/** The latency prior of an unmeasured model: p50 600 ms with the `low-latency` strength, else 1500 ms. */
export const LATENCY_PRIOR_MS = { lowLatency: 600, other: 1500 } as const;

export function latencyOf(model: Pick<Model, 'performance' | 'capabilities'>): Figure {
  const p = model.performance;
  if (p?.latencyP50Ms !== undefined)
    return { value: p.latencyP50Ms, measured: true, basis: `measured p50 (${p.source}, ${p.measuredAt})` };
  const fast = (model.capabilities.strengths ?? []).some((x) => x === 'low-latency');
  return {
    value: fast ? LATENCY_PRIOR_MS.lowLatency : LATENCY_PRIOR_MS.other,
    measured: false,
    basis: `unmeasured: prior p50${fast ? ' for the low-latency strength' : ''}`,
  };
}

/**
 * USD per 1,000 requests of a traffic shape: token prices × mean tokens per request for per-token
 * models; for an instance-hour model, its instances for 24 hours spread over a day's requests (and
 * likewise the model units of a Provisioned Throughput model).
 * Undefined when the catalog has no price that applies.
 */
export function costPer1kRequests(
  model: Model,
  traffic: TrafficAssumption,
): { usd: number; basis: string } | undefined {
  const p = model.pricing;
  if (p.inputPerMillionTokensUsd !== undefined && p.outputPerMillionTokensUsd !== undefined) {
    const usd =
      ((traffic.inputTokensPerRequest * p.inputPerMillionTokensUsd +
        traffic.outputTokensPerRequest * p.outputPerMillionTokensUsd) /
        1e6) *
      1000;
    return {
      usd,
      basis: `${traffic.inputTokensPerRequest} in × $${p.inputPerMillionTokensUsd}/M + ${traffic.outputTokensPerRequest} out × $${p.outputPerMillionTokensUsd}/M`,
    };
  }
  if (p.instanceHourUsd !== undefined) {
    const instances = hostingKind(model.hosting).catalogInstanceCount(model.hosting);
    const usd = ((p.instanceHourUsd * instances * 24) / traffic.requestsPerDay) * 1000;
    return {
      usd,
      basis: `${instances} instance${instances === 1 ? '' : 's'} × $${p.instanceHourUsd}/h × 24 h over ${traffic.requestsPerDay} requests/day`,
    };
  }
  if (p.modelUnitHourUsd !== undefined) {
    // Provisioned Throughput: its model units all day, whatever the traffic.
    const units = hostingKind(model.hosting).catalogInstanceCount(model.hosting);
    const usd = ((p.modelUnitHourUsd * units * 24) / traffic.requestsPerDay) * 1000;
    return {
      usd,
      basis: `${units} model unit${units === 1 ? '' : 's'} × $${p.modelUnitHourUsd}/h × 24 h over ${traffic.requestsPerDay} requests/day`,
    };
  }
  return undefined;
}
