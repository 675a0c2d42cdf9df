import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import type { Environment } from '../../schemas/generated/environment';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../../catalog/paths';
import { tempDir } from './temp-dir';

export function shippedCatalog(): ModelCatalog {
  return JSON.parse(readFileSync(defaultCatalogPath, 'utf8')) as ModelCatalog;
}

export function shippedEnvironments(): Record<string, Environment> {
  const out: Record<string, Environment> = {};
  for (const f of readdirSync(defaultEnvironmentsDir).filter((n) => n.endsWith('.json'))) {
    out[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(defaultEnvironmentsDir, f), 'utf8')) as Environment;
  }
  return out;
}

/** A throw-away project folder: the shipped catalog and environments, changed by the callbacks. */
export function tempProject(
  change: (catalog: ModelCatalog, environments: Record<string, Environment>) => void = () => {},
): {
  dir: string;
  catalogPath: string;
  environmentsDir: string;
} {
  const dir = tempDir('fm-catalog-');
  const catalog = shippedCatalog();
  const envs = shippedEnvironments();
  change(catalog, envs);
  const catalogPath = join(dir, 'model-catalog.json');
  const environmentsDir = join(dir, 'environments');
  mkdirSync(environmentsDir);
  writeFileSync(catalogPath, `${JSON.stringify(catalog, null, 2)}\n`);
  for (const [name, env] of Object.entries(envs))
    writeFileSync(join(environmentsDir, `${name}.json`), `${JSON.stringify(env, null, 2)}\n`);
  return { dir, catalogPath, environmentsDir };
}
