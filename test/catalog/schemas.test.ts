import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';
import { cliPath } from '../support/cli';
import { tempDir } from '../support/temp-dir';

const schemasDir = join(projectRoot, 'schemas');
const load = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(schemasDir, name), 'utf8')) as Record<string, unknown>;

/** Every object schema and every property schema below a node, with its path. */
function walk(
  node: unknown,
  path: string,
  visit: (schema: Record<string, unknown>, path: string, isProperty: boolean) => void,
  isProperty = false,
): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  visit(schema, path, isProperty);
  for (const [key, child] of Object.entries(schema.properties ?? {}))
    walk(child, `${path}/properties/${key}`, visit, true);
  for (const [key, child] of Object.entries(schema.definitions ?? {})) walk(child, `${path}/definitions/${key}`, visit);
  if (schema.items) walk(schema.items, `${path}/items`, visit);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object')
    walk(schema.additionalProperties, `${path}/additionalProperties`, visit);
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const)
    (schema[key] as unknown[] | undefined)?.forEach((c, i) => walk(c, `${path}/${key}/${i}`, visit));
}

describe.each(readdirSync(join(projectRoot, 'schemas')).filter((f) => f.endsWith('.schema.json')))('%s', (name) => {
  const schema = load(name);

  it('describes every property, so editors explain each field while a PR is written', () => {
    const missing: string[] = [];
    walk(schema, '#', (s, path, isProperty) => {
      if (isProperty && typeof s.description !== 'string') missing.push(path);
    });
    expect(missing).toEqual([]);
  });

  it('closes every object with additionalProperties false or a typed map', () => {
    const open: string[] = [];
    walk(schema, '#', (s, path) => {
      if (s.type === 'object' && s.properties && s.additionalProperties !== false) open.push(path);
      if (s.type === 'object' && !s.properties && s.additionalProperties === undefined && !s.discriminator)
        open.push(path);
    });
    expect(open).toEqual([]);
  });
});

describe('the routing-table schema', () => {
  it('declares draft-04, the only draft AppConfig validators accept', () => {
    expect(load('routing-table.schema.json').$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(JSON.stringify(load('routing-table.schema.json'))).not.toMatch(
      /"(const|propertyNames|contains|if|then|else|\$defs)"/,
    );
  });
});

// json-schema-to-typescript loads prettier through a dynamic import that jest cannot run: the
// generator runs as the built command, as a user or CI runs it.
describe('generated types', () => {
  const check = (schemasDir: string) =>
    spawnSync(process.execPath, [cliPath('gen-types'), '--check', '--schemas', schemasDir], { encoding: 'utf8' });

  it('match the schemas (run npm run gen:types after changing a schema)', () => {
    const r = check(schemasDir);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('schemas/generated is up to date (5 files)');
  });

  it('fails the check, naming the file, when a generated file drifts', () => {
    const copy = join(tempDir('fm-schemas-'), 'schemas');
    cpSync(schemasDir, copy, { recursive: true });
    writeFileSync(
      join(copy, 'generated', 'environment.ts'),
      `${readFileSync(join(copy, 'generated', 'environment.ts'), 'utf8')}\nexport type Extra = 1;\n`,
    );
    const r = check(copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('generated files differ from the schemas: schemas/generated/environment.ts');
  });
});

describe('the shipped files', () => {
  it('carry $schema so editors validate them', () => {
    expect(load('../model-catalog.json').$schema).toBe('./schemas/model-catalog.schema.json');
    for (const env of ['dev', 'staging', 'prod'])
      expect(load(`../environments/${env}.json`).$schema).toBe('../schemas/environment.schema.json');
  });
});
