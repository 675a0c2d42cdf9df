import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkProject } from '../../catalog';
import { defaultEnvironmentsDir } from '../../catalog/paths';
import { shippedCatalog } from '../support/project';
import { tempDir } from '../support/temp-dir';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path to a value in a JSON tree. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

type Edit =
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'add-key'; at: number; key: string; value: Json }
  | { kind: 'copy'; from: number; to: number };

function apply(doc: Json, edit: Edit): Json {
  const all = paths(doc);
  const pick = (n: number) => all[n % all.length];
  const parentOf = (path: (string | number)[]) =>
    path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], doc) as
      Record<string | number, Json> | Json[];
  const get = (path: (string | number)[]) =>
    path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key], doc);
  const path = pick(edit.kind === 'copy' ? edit.to : edit.at);
  if (path.length === 0) return edit.kind === 'set' ? edit.value : doc;
  const parent = parentOf(path);
  const key = path[path.length - 1];
  switch (edit.kind) {
    case 'set':
      (parent as Record<string | number, Json>)[key] = edit.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete parent[key];
      break;
    case 'add-key': {
      const target = get(path);
      if (target && typeof target === 'object' && !Array.isArray(target)) target[edit.key] = edit.value;
      break;
    }
    case 'copy':
      (parent as Record<string | number, Json>)[key] = structuredClone(get(pick(edit.from)));
      break;
  }
  return doc;
}

const jsonValue = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.oneof(
      jsonValue,
      fc.constantFrom<Json>('retired', 'preview', 'nova-lite', 'claude-3-haiku', 'us-west-2', 'eu', 0, -1, ''),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('add-key' as const),
    at: fc.nat(),
    key: fc.string({ maxLength: 12 }),
    value: jsonValue,
  }),
  fc.record({ kind: fc.constant('copy' as const), from: fc.nat(), to: fc.nat() }),
);

describe('the validator on randomly mutated catalogs', () => {
  const dir = tempDir('fm-prop-');
  const catalogPath = join(dir, 'model-catalog.json');

  it('never throws, and answers valid or with located errors', () => {
    let invalid = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        let doc = shippedCatalog() as unknown as Json;
        for (const e of edits) doc = apply(doc, e);
        writeFileSync(catalogPath, JSON.stringify(doc, null, 2));
        const result = checkProject({ catalogPath, environmentsDir: defaultEnvironmentsDir, today: '2026-11-29' });
        const errors = result.issues.filter((i) => i.severity === 'error');
        if (result.project) return errors.length === 0;
        invalid++;
        return (
          errors.length > 0 &&
          errors.every(
            (i) => i.file.length > 0 && typeof i.pointer === 'string' && i.message.length > 0 && (i.line ?? 0) >= 1,
          )
        );
      }),
      { numRuns: 300, seed: 20261129 },
    );
    // The mutations must actually exercise the error paths, or the property proves little.
    expect(invalid).toBeGreaterThan(150);
  });

  it('never throws on corrupted text, and locates the syntax error', () => {
    const text = JSON.stringify(shippedCatalog(), null, 2);
    fc.assert(
      fc.property(fc.nat(text.length - 1), fc.constantFrom('', '{', '}', ',', '"', ':', '//', 'x'), (at, insert) => {
        writeFileSync(catalogPath, text.slice(0, at) + insert + text.slice(at + 1));
        const result = checkProject({ catalogPath, environmentsDir: defaultEnvironmentsDir, today: '2026-11-29' });
        return result.project !== undefined || result.issues.every((i) => i.message.length > 0 && (i.line ?? 0) >= 1);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
