/** How much each criterion counts in the score; normalized to sum to 1. */
export interface Weights {
  readonly quality: number;
  readonly latency: number;
  readonly cost: number;
}

export const DEFAULT_WEIGHTS: Weights = { quality: 0.5, latency: 0.2, cost: 0.3 };

const NAMES = ['quality', 'latency', 'cost'] as const;

/**
 * Parses `quality=0.5,latency=0.2,cost=0.3` (any subset; missing ones keep their default) and
 * normalizes the result to sum to 1. Throws a message naming the bad part.
 */
export function parseWeights(text: string, defaults: Weights = DEFAULT_WEIGHTS): Weights {
  const out: Record<(typeof NAMES)[number], number> = { ...defaults };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const [name, value, extra] = part.split('=');
    if (!(NAMES as readonly string[]).includes(name) || value === undefined || extra !== undefined) {
      throw new Error(`bad weight "${part}": expected NAME=NUMBER with NAME one of ${NAMES.join(', ')}`);
    }
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < 0)
      throw new Error(`bad weight "${part}": the value must be a number of 0 or more`);
    out[name as (typeof NAMES)[number]] = n;
  }
  return normalizeWeights(out);
}

export function normalizeWeights(w: Weights): Weights {
  const sum = w.quality + w.latency + w.cost;
  if (!(sum > 0)) throw new Error('the weights sum to 0: give at least one a positive value');
  return { quality: w.quality / sum, latency: w.latency / sum, cost: w.cost / sum };
}
