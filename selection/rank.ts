import type { ReplacementSuggester } from '../catalog/context';
import type { Environment, TrafficAssumption } from '../schemas/generated/environment';
import type { Model, ModelCatalog } from '../schemas/generated/model-catalog';
import { failedNeeds } from './eligibility';
import { DEFAULT_TRAFFIC, costPer1kRequests, latencyOf, qualityOf, type Figure } from './figures';
import type { Needs } from './needs';
import { DEFAULT_WEIGHTS, normalizeWeights, type Weights } from './weights';

export interface RankOptions {
  /** The Region the models are called from (the environment's primary Region). */
  readonly region: string;
  readonly tier?: Environment['tier'];
  /** The route's traffic shape (an environment's costAssumptions); the needs' own `traffic` wins. */
  readonly traffic?: TrafficAssumption;
  readonly weights?: Weights;
  /** Models never proposed (e.g. the one being replaced). */
  readonly exclude?: readonly string[];
}

export interface RankedModel {
  readonly id: string;
  readonly name: string;
  /** 0..1: weights.quality × quality + weights.latency × latencyScore + weights.cost × costScore. */
  readonly score: number;
  readonly quality: Figure;
  readonly latencyP50Ms: Figure;
  /** Undefined when the catalog has no price for it (it then gets a cost score of 0). */
  readonly costPer1kRequestsUsd?: number;
  /** Each criterion's normalized score (0..1) before weighting. */
  readonly scores: { readonly quality: number; readonly latency: number; readonly cost: number };
  /** Why it scored as it did, one line per criterion. */
  readonly reasons: readonly string[];
}

export interface ExcludedModel {
  readonly id: string;
  readonly failed: readonly string[];
}

export interface Ranking {
  readonly region: string;
  readonly weights: Weights;
  readonly traffic: TrafficAssumption;
  readonly trafficSource: 'needs' | 'environment' | 'default';
  /** Best first; ties broken by model id. */
  readonly ranked: readonly RankedModel[];
  /** In catalog order. */
  readonly excluded: readonly ExcludedModel[];
}

/** The scoring rule, stated once: printed by the CLI and documented in the report. */
export const SCORE_FORMULA =
  'score = wQ·quality + wL·(fastest p50 ÷ this p50) + wC·(cheapest cost per 1k requests ÷ this cost); quality is performance.quality when measured, else a prior from strengths (marked unmeasured)';

/**
 * The models that meet the needs in a Region, ranked by the stated score, with the requirements
 * each other model fails.
 */
export function rankModels(catalog: ModelCatalog, needs: Needs, options: RankOptions): Ranking {
  const weights = normalizeWeights(options.weights ?? DEFAULT_WEIGHTS);
  const traffic = needs.traffic ?? options.traffic ?? DEFAULT_TRAFFIC;
  const trafficSource = needs.traffic ? 'needs' : options.traffic ? 'environment' : 'default';
  const excluded: ExcludedModel[] = [];
  const eligible: Model[] = [];
  for (const model of catalog.models) {
    if (options.exclude?.includes(model.id)) continue;
    const failed = failedNeeds(model, needs, { region: options.region, tier: options.tier });
    if (failed.length > 0) excluded.push({ id: model.id, failed });
    else eligible.push(model);
  }

  const figures = eligible.map((model) => ({
    model,
    quality: qualityOf(model, needs.preferStrengths),
    latency: latencyOf(model),
    cost: costPer1kRequests(model, traffic),
  }));
  const fastest = Math.min(...figures.map((f) => f.latency.value));
  const cheapest = Math.min(...figures.flatMap((f) => (f.cost ? [f.cost.usd] : [])));

  const ranked = figures.map(({ model, quality, latency, cost }): RankedModel => {
    const scores = {
      quality: quality.value,
      latency: latency.value > 0 ? fastest / latency.value : 1,
      cost: cost === undefined ? 0 : cost.usd > 0 ? cheapest / cost.usd : 1,
    };
    const score = weights.quality * scores.quality + weights.latency * scores.latency + weights.cost * scores.cost;
    const part = (w: number, s: number): string => `${w.toFixed(2)} × ${s.toFixed(2)} = ${(w * s).toFixed(3)}`;
    return {
      id: model.id,
      name: model.name,
      score,
      quality,
      latencyP50Ms: latency,
      ...(cost ? { costPer1kRequestsUsd: cost.usd } : {}),
      scores,
      reasons: [
        `quality ${quality.value.toFixed(2)}, ${quality.basis}: ${part(weights.quality, scores.quality)}`,
        `latency p50 ${Math.round(latency.value)} ms, ${latency.basis}; fastest ${Math.round(fastest)} ms: ${part(weights.latency, scores.latency)}`,
        cost
          ? `cost $${formatUsd(cost.usd)} per 1k requests (${cost.basis}); cheapest $${formatUsd(cheapest)}: ${part(weights.cost, scores.cost)}`
          : `cost unknown (no price applies): ${part(weights.cost, 0)}`,
      ],
    };
  });
  ranked.sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  return { region: options.region, weights, traffic, trafficSource, ranked, excluded };
}

/**
 * The best-ranked model to take over from a legacy, deprecated or retired one in a Region: one
 * that meets everything the model offers (context window, input modalities, languages, tool use,
 * streaming), is not itself ageing, and is served there. Undefined when none qualifies or the id
 * is unknown.
 */
/**
 * Weights for a replacement: it must do what the model did at least as well; cost and latency only
 * break ties (with the default weights a cheap model outranks a like-for-like one).
 */
export const REPLACEMENT_WEIGHTS: Weights = { quality: 0.8, latency: 0.1, cost: 0.1 };

/** The best model to take over a deprecated or legacy one's work in a Region: same needs, ranked for quality. */
export function suggestReplacement(catalog: ModelCatalog, modelId: string, region: string): RankedModel | undefined {
  const model = catalog.models.find((m) => m.id === modelId);
  if (model === undefined) return undefined;
  const cap = model.capabilities;
  const needs: Needs = {
    minContextWindowTokens: cap.contextWindowTokens,
    inputModalities: cap.inputModalities,
    languages: cap.languages,
    ...(cap.toolUse ? { toolUse: true } : {}),
    ...(cap.streaming ? { streaming: true } : {}),
    preferStrengths: cap.strengths ?? [],
  };
  return rankModels(catalog, needs, { region, exclude: [modelId], weights: REPLACEMENT_WEIGHTS }).ranked[0];
}

/** suggestReplacement as the validator takes it: the model, and why it was chosen, in the words of the fix. */
export const replacementSuggester: ReplacementSuggester = (catalog, modelId, region) => {
  const suggested = suggestReplacement(catalog, modelId, region);
  return (
    suggested && { id: suggested.id, basis: `ranked first in ${region} by npm run select for what "${modelId}" offers` }
  );
};

/** Dollars with enough digits to tell cheap models apart: 0.0042, 0.45, 12.3. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '0';
  if (usd >= 10) return usd.toFixed(1);
  return usd
    .toPrecision(2)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}
