import { checkProject, loadProject, CatalogValidationError } from '../../catalog';
import { pointerById, routeById } from '../support/by-id';
import { shippedCatalog, tempProject } from '../support/project';

describe('loadProject on the shipped catalog', () => {
  const project = loadProject({ today: '2026-11-29' });

  it('resolves every environment, development tiers first', () => {
    expect(project.plans.map((p) => p.name)).toEqual(['dev', 'staging', 'prod']);
    expect(project.warnings.filter((w) => w.severity === 'error')).toEqual([]);
  });

  it('loads only the environments asked for', () => {
    expect(loadProject({ only: ['staging'] }).plans.map((p) => p.name)).toEqual(['staging']);
  });
});

describe('loadProject on an invalid catalog', () => {
  it('throws a CatalogValidationError carrying every issue, not only the first', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => {
      routeById(c, 'chat').fallbacks = ['nova-lit', 'nova-micro'];
      routeById(c, 'classify').target = 'claude-3-haik';
    });
    let thrown: unknown;
    try {
      loadProject({ catalogPath, environmentsDir });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(CatalogValidationError);
    const issues = (thrown as CatalogValidationError).issues.filter((i) => i.rule === 'unknown-model');
    const catalog = shippedCatalog();
    expect(issues.map((i) => [i.pointer, i.fix])).toEqual([
      [pointerById(catalog, ['routes', 'chat', 'fallbacks', 0]), 'did you mean "nova-lite"?'],
      [pointerById(catalog, ['routes', 'classify', 'target']), 'did you mean "claude-3-haiku"?'],
    ]);
  });

  it("names the environment on the issues its rules raise, and none on the catalog's own", () => {
    const { catalogPath, environmentsDir } = tempProject((c, e) => {
      c.routes[2].target = 'claude-3-haik';
      e.dev.routes[0] = { ...e.dev.routes[0], target: 'nova-lit' };
    });
    const issues = checkProject({ catalogPath, environmentsDir, only: ['dev'] }).issues.filter(
      (i) => i.rule === 'unknown-model',
    );
    expect(issues.map((i) => [i.message, i.environment])).toEqual([
      ['unknown model "nova-lit"', 'dev'],
      ['unknown model "claude-3-haik"', undefined],
    ]);
  });

  it('fails when the environments folder is missing', () => {
    const result = checkProject({ environmentsDir: '/nonexistent/environments' });
    expect(result.project).toBeUndefined();
    expect(result.issues[0].message).toBe('environments folder not found: /nonexistent/environments');
  });

  it('fails for an environment asked for that does not exist', () => {
    const result = checkProject({ only: ['qa'] });
    expect(result.issues.map((i) => i.message)).toEqual(['no environment named "qa"']);
    expect(result.issues[0].expected).toBe('one of dev, prod, staging');
  });
});

describe('a route cache in the catalog', () => {
  it('resolves into the routing table with its defaults', () => {
    const table = loadProject({ only: ['prod'] }).plans[0].routingTable;
    expect(table.routes.classify.cache).toEqual({
      ttlSeconds: 3600,
      sharedAcrossConsumers: false,
      requests: 'temperature-zero',
    });
    expect(table.routes.chat.cache).toBeUndefined();
  });

  it('fails a TTL under a minute and an unknown field, at their JSON paths, with the fix', () => {
    const { catalogPath, environmentsDir } = tempProject((c) => {
      (routeById(c, 'classify') as { cache?: unknown }).cache = { ttlSeconds: 5, shared: true };
    });
    const issues = checkProject({ catalogPath, environmentsDir }).issues.filter((i) => i.rule === 'schema');
    const at = pointerById(shippedCatalog(), ['routes', 'classify']);
    expect(issues.map((i) => [i.pointer, i.message, i.fix])).toEqual([
      [`${at}/cache/ttlSeconds`, '5 must be >= 60', undefined],
      [`${at}/cache/shared`, 'unknown property "shared"', 'did you mean "sharedAcrossConsumers"?'],
    ]);
  });
});
