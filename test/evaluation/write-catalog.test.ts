import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import { CatalogValidationError } from '../../catalog/issues';
import { defaultCatalogPath } from '../../catalog/paths';
import type { ModelSummary } from '../../evaluation/measures';
import { performanceOf, writePerformance } from '../../evaluation/write-catalog';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import { tempDir } from '../support/temp-dir';

/** A copy of the shipped catalog, byte for byte, in a temporary folder. */
function catalogCopy(): string {
  const path = join(tempDir('eval-catalog-'), 'model-catalog.json');
  copyFileSync(defaultCatalogPath, path);
  return path;
}

/** The text with every model's performance property cut out, with the comma and line break before it. */
function withoutPerformance(text: string): string {
  const root = parseTree(text)!;
  const cuts: [number, number][] = [];
  const models = findNodeAtLocation(root, ['models'])!.children ?? [];
  for (const model of models) {
    const props = model.children ?? [];
    const i = props.findIndex((p) => p.children?.[0].value === 'performance');
    if (i < 0) continue;
    const end = props[i].offset + props[i].length;
    const start = i > 0 ? props[i - 1].offset + props[i - 1].length : model.offset + 1;
    cuts.push([start, i > 0 ? end : end + (text.slice(end).match(/^\s*,/)?.[0].length ?? 0)]);
  }
  let out = text;
  for (const [start, end] of cuts.reverse()) out = out.slice(0, start) + out.slice(end);
  return out;
}

const summary = (model: string, quality: number): ModelSummary => ({
  model,
  examples: 20,
  answered: 20,
  failed: 0,
  quality,
  latencyP50Ms: 41.6,
  latencyP95Ms: 57.2,
  outputTokensPerSecond: 71.26,
  inputTokens: 900,
  outputTokens: 60,
});

describe('writePerformance', () => {
  it('writes only the performance fields: the rest of the file is unchanged byte for byte', () => {
    const path = catalogCopy();
    const before = readFileSync(path, 'utf8');
    const written = writePerformance(path, {
      'claude-3-haiku': performanceOf(
        summary('claude-3-haiku', 0.55),
        'npm run evaluate: classification.jsonl on local simulator, 20 examples',
        '2026-11-29',
      ),
      'nova-micro': performanceOf(
        summary('nova-micro', 0.65),
        'npm run evaluate: classification.jsonl on local simulator, 20 examples',
        '2026-11-29',
      ),
    });
    const after = readFileSync(path, 'utf8');
    expect(written).toEqual(['claude-3-haiku', 'nova-micro']);
    expect(after).not.toBe(before);
    expect(withoutPerformance(after)).toBe(before);
    const catalog = JSON.parse(after) as ModelCatalog;
    expect(catalog.models.find((m) => m.id === 'nova-micro')!.performance).toEqual({
      latencyP50Ms: 42,
      latencyP95Ms: 57,
      outputTokensPerSecond: 71.3,
      quality: 0.65,
      source: 'npm run evaluate: classification.jsonl on local simulator, 20 examples',
      measuredAt: '2026-11-29',
    });
    expect(after).toContain(
      '      "performance": { "latencyP50Ms": 42, "latencyP95Ms": 57, "outputTokensPerSecond": 71.3, "quality": 0.65, "source": "npm run evaluate: classification.jsonl on local simulator, 20 examples", "measuredAt": "2026-11-29" }\n    },',
    );
  });

  it('replaces an earlier measurement in place', () => {
    const path = catalogCopy();
    const before = readFileSync(path, 'utf8');
    writePerformance(path, { 'command-r': performanceOf(summary('command-r', 0.5), 'first', '2026-11-28') });
    const once = readFileSync(path, 'utf8');
    writePerformance(path, { 'command-r': performanceOf(summary('command-r', 0.8), 'second', '2026-11-29') });
    const twice = readFileSync(path, 'utf8');
    expect(withoutPerformance(twice)).toBe(before);
    expect(twice.length - once.length).toBe('second'.length - 'first'.length);
    expect((JSON.parse(twice) as ModelCatalog).models.find((m) => m.id === 'command-r')!.performance).toMatchObject({
      quality: 0.8,
      source: 'second',
      measuredAt: '2026-11-29',
    });
  });

  it('fails and restores the file when the catalog would become invalid', () => {
    const path = catalogCopy();
    const before = readFileSync(path, 'utf8');
    let thrown: unknown;
    try {
      writePerformance(path, { 'nova-lite': { quality: 1.5, source: 'broken scorer', measuredAt: '2026-11-29' } });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CatalogValidationError);
    expect((thrown as CatalogValidationError).issues.map((i) => [i.pointer, i.message])).toEqual([
      ['/models/4/performance/quality', '1.5 must be <= 1'],
    ]);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('fails on a model the catalog does not have, leaving the file untouched', () => {
    const path = catalogCopy();
    const before = readFileSync(path, 'utf8');
    expect(() => writePerformance(path, { 'gpt-9': { quality: 1, source: 's', measuredAt: '2026-11-29' } })).toThrow(
      `model "gpt-9" is not in ${path}`,
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });
});
