import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTypes, SCHEMA_TYPES } from '../../catalog/generate-types';
import { projectRoot } from '../../catalog/paths';

const schemasDir = join(projectRoot, 'schemas');
const load = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(schemasDir, name), 'utf8')) as Record<string, unknown>;

/** Every object schema and every property schema below a node, with its path. */
function walk(node: unknown, path: string, visit: (schema: Record<string, unknown>, path: string, isProperty: boolean) => void, isProperty = false): void {
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  visit(schema, path, isProperty);
  for (const [key, child] of Object.entries(schema.properties ?? {})) walk(child, `${path}/properties/${key}`, visit, true);
  for (const [key, child] of Object.entries(schema.definitions ?? {})) walk(child, `${path}/definitions/${key}`, visit);
  if (schema.items) walk(schema.items, `${path}/items`, visit);
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${path}/additionalProperties`, visit);
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) (schema[key] as unknown[] | undefined)?.forEach((c, i) => walk(c, `${path}/${key}/${i}`, visit));
}

describe.each(SCHEMA_TYPES.map((s) => s.schema))('%s', (name) => {
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
      if (s.type === 'object' && !s.properties && s.additionalProperties === undefined && !s.discriminator) open.push(path);
    });
    expect(open).toEqual([]);
  });
});

describe('the routing-table schema', () => {
  it('declares draft-04, the only draft AppConfig validators accept', () => {
    expect(load('routing-table.schema.json').$schema).toBe('http://json-schema.org/draft-04/schema#');
    expect(JSON.stringify(load('routing-table.schema.json'))).not.toMatch(/"(const|propertyNames|contains|if|then|else|\$defs)"/);
  });
});

describe('generated types', () => {
  it('match the schemas (run npm run gen:types after changing a schema)', async () => {
    const generated = await generateTypes(schemasDir);
    for (const [file, content] of generated) {
      expect({ file, content: readFileSync(join(schemasDir, 'generated', file), 'utf8') }).toEqual({ file, content });
    }
  });
});

describe('the shipped files', () => {
  it('carry $schema so editors validate them', () => {
    expect(load('../model-catalog.json').$schema).toBe('./schemas/model-catalog.schema.json');
    for (const env of ['dev', 'staging', 'prod']) expect(load(`../environments/${env}.json`).$schema).toBe('../schemas/environment.schema.json');
  });
});
