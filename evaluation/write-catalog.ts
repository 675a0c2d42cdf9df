import { readFileSync } from 'node:fs';
import { writeCatalogEdits } from '../catalog/edit';
import type { ModelCatalog, Performance } from '../schemas/generated/model-catalog';
import type { ModelSummary } from './measures';
import { replacementSuggester } from '../selection/rank';

/** The performance entry a summary becomes; undefined figures are left out. */
export function performanceOf(summary: ModelSummary, source: string, measuredAt: string): Performance {
  const round = (v: number, digits: number): number => Number(v.toFixed(digits));
  return {
    ...(summary.latencyP50Ms !== undefined ? { latencyP50Ms: Math.round(summary.latencyP50Ms) } : {}),
    ...(summary.latencyP95Ms !== undefined ? { latencyP95Ms: Math.round(summary.latencyP95Ms) } : {}),
    ...(summary.outputTokensPerSecond !== undefined
      ? { outputTokensPerSecond: round(summary.outputTokensPerSecond, 1) }
      : {}),
    quality: round(summary.quality, 3),
    source,
    measuredAt,
  };
}

/**
 * Writes each model's `performance` into the catalog file, replacing any earlier entry and leaving
 * every other byte as it was (the catalog's minimal-edit writer). Then validates the project; if
 * the catalog would be invalid, the original file is restored and the error thrown.
 * Returns the ids written.
 */
export function writePerformance(
  catalogPath: string,
  entries: Readonly<Record<string, Performance>>,
  options: { environmentsDir?: string } = {},
): string[] {
  const catalog = JSON.parse(readFileSync(catalogPath, 'utf8')) as ModelCatalog;
  const edits = Object.entries(entries).map(([id, performance]) => {
    const index = catalog.models.findIndex((m) => m.id === id);
    if (index < 0) throw new Error(`model "${id}" is not in ${catalogPath}`);
    return { path: ['models', index, 'performance'], value: performance };
  });
  writeCatalogEdits(catalogPath, edits, { ...options, suggestReplacement: replacementSuggester });
  return Object.keys(entries);
}
