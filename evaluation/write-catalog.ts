import { readFileSync, writeFileSync } from 'node:fs';
import { applyEdits, findNodeAtLocation, modify, parseTree, type Edit } from 'jsonc-parser';
import { checkProject } from '../catalog';
import { CatalogValidationError } from '../catalog/issues';
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
 * every other byte as it was (jsonc-parser edits, not a re-serialization). Then validates the
 * project; if the catalog would be invalid, the original file is restored and the error thrown.
 * Returns the ids written.
 */
export function writePerformance(
  catalogPath: string,
  entries: Readonly<Record<string, Performance>>,
  options: { environmentsDir?: string } = {},
): string[] {
  const original = readFileSync(catalogPath, 'utf8');
  const catalog = JSON.parse(original) as ModelCatalog;
  let text = original;
  const written: string[] = [];
  for (const [id, performance] of Object.entries(entries)) {
    const index = catalog.models.findIndex((m) => m.id === id);
    if (index < 0) throw new Error(`model "${id}" is not in ${catalogPath}`);
    text = applyEdits(text, [performanceEdit(text, index, performance)]);
    written.push(id);
  }
  writeFileSync(catalogPath, text);
  const check = checkProject({
    catalogPath,
    suggestReplacement: replacementSuggester,
    ...(options.environmentsDir ? { environmentsDir: options.environmentsDir } : {}),
  });
  if (!check.project) {
    writeFileSync(catalogPath, original);
    throw new CatalogValidationError(check.issues);
  }
  return written;
}

/** A value on one line in the catalog's own style for small objects: `{ "a": 1, "b": "x" }`. */
function oneLine(value: Performance): string {
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    .join(', ')} }`;
}

/**
 * The one edit that sets models[index].performance: jsonc-parser finds where (replacing an earlier
 * value, or after the model's last property); the text is written on one line, indented like its
 * siblings. jsonc-parser's own formatting is not used: it reflows the neighbouring property too.
 */
function performanceEdit(text: string, index: number, performance: Performance): Edit {
  const [edit] = modify(text, ['models', index, 'performance'], performance, {});
  const root = parseTree(text);
  const existing = root && findNodeAtLocation(root, ['models', index, 'performance']);
  if (existing) return { offset: existing.offset, length: existing.length, content: oneLine(performance) };
  const model = root && findNodeAtLocation(root, ['models', index]);
  const last = model?.children?.[model.children.length - 1];
  if (!last) return edit;
  const lineStart = text.lastIndexOf('\n', last.offset) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
  return {
    offset: last.offset + last.length,
    length: 0,
    content: `,\n${indent}"performance": ${oneLine(performance)}`,
  };
}
