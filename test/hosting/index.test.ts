import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../../catalog';
import { projectRoot } from '../../catalog/paths';
import { BACKENDS } from '../../functions/router/backends';
import { HOSTING_KINDS, HOSTING_TYPES, hostingKind } from '../../hosting';
import { HOSTING_KIND_MEMBERS } from '../../hosting/kind';
import { PROVISIONERS } from '../../hosting/provision';

type SchemaNode = {
  $ref?: string;
  oneOf?: SchemaNode[];
  properties?: Record<string, SchemaNode & { const?: string; enum?: string[] }>;
  definitions?: Record<string, SchemaNode>;
};
const schema = (name: string): SchemaNode =>
  JSON.parse(readFileSync(join(projectRoot, 'schemas', name), 'utf8')) as SchemaNode;

/** The hosting types of the catalog schema: the `type` const of each branch of a model's `hosting`. */
function schemaHostingTypes(): string[] {
  const catalog = schema('model-catalog.schema.json');
  const branches = catalog.definitions?.model.properties?.hosting.oneOf ?? [];
  return branches.map((b) => {
    const definition = catalog.definitions?.[(b.$ref ?? '').replace('#/definitions/', '')];
    const type = definition?.properties?.type.const;
    if (type === undefined) throw new Error(`hosting branch ${b.$ref} has no type const`);
    return type;
  });
}

describe('the hosting kinds', () => {
  it('register exactly the hosting types of the catalog schema, each under its own type', () => {
    expect([...HOSTING_TYPES].sort()).toEqual(schemaHostingTypes().sort());
    for (const [type, kind] of Object.entries(HOSTING_KINDS)) expect(kind.type).toBe(type);
  });

  it.each(HOSTING_TYPES.map((t) => [t]))('fails if %s lacks one of the hooks of HostingKind', (type) => {
    const kind: Record<string, unknown> = { ...HOSTING_KINDS[type] };
    const missing = HOSTING_KIND_MEMBERS.filter((member) => kind[member] === undefined);
    expect(missing).toEqual([]);
    const functions = HOSTING_KIND_MEMBERS.filter(
      (member) => !['type', 'label', 'routerBackend', 'rules'].includes(member),
    );
    expect(functions.filter((member) => typeof kind[member] !== 'function')).toEqual([]);
  });

  it('asks the test for every member of the interface, so a new hook is checked on every kind', () => {
    // A kind object with a member outside the list would mean the list lags behind the interface.
    for (const kind of Object.values(HOSTING_KINDS))
      expect(Object.keys(kind).filter((k) => !(HOSTING_KIND_MEMBERS as readonly string[]).includes(k))).toEqual([]);
  });

  it('declare a router backend that the routing table allows and the router has', () => {
    const table = schema('routing-table.schema.json') as {
      definitions?: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
    };
    const allowed = table.definitions?.tableModel.properties?.hosting.enum ?? [];
    for (const kind of Object.values(HOSTING_KINDS)) {
      expect(allowed).toContain(kind.routerBackend);
      expect(typeof BACKENDS[kind.routerBackend].invoke).toBe('function');
    }
  });

  it('each have a provisioner for the stack', () => {
    expect(Object.keys(PROVISIONERS).sort()).toEqual([...HOSTING_TYPES].sort());
    for (const type of HOSTING_TYPES) expect(typeof PROVISIONERS[type].provision).toBe('function');
  });

  it('bring their own rules into the validator, each rule id once', () => {
    const ids = RULES.map((r) => r.id);
    for (const kind of Object.values(HOSTING_KINDS))
      for (const rule of kind.rules) expect(ids.filter((id) => id === rule.id)).toEqual([rule.id]);
  });

  it('find the kind of a catalog or a planned hosting entry by its type', () => {
    expect(hostingKind({ type: 'bedrock' })).toBe(HOSTING_KINDS.bedrock);
    expect(hostingKind({ type: 'sagemaker' }).label).toBe('SageMaker');
  });
});
