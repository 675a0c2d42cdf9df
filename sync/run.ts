import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeCatalogEdits } from '../catalog/edit';
import type { CatalogIssue } from '../catalog/issues';
import { readJsonFile } from '../catalog/json-file';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../catalog/paths';
import { schemaIssues } from '../catalog/schema-validation';
import type { Environment } from '../schemas/generated/environment';
import type { ModelCatalog } from '../schemas/generated/model-catalog';
import { replacementSuggester } from '../selection/rank';
import { catalogLookups, compareCatalog, environmentRegions, nextVersion, type SyncResult } from './drift';
import { readRegion, type BedrockClientFactory } from './read-bedrock';

export interface SyncOptions {
  readonly environment: string;
  readonly catalogPath?: string;
  readonly environmentsDir?: string;
  /** Write the factual changes into the catalog file. */
  readonly write?: boolean;
  /** Makes the Bedrock control-plane client of a Region. */
  readonly client: BedrockClientFactory;
  /** YYYY-MM-DD (default: today, UTC), for the catalog version a write bumps. */
  readonly today?: string;
}

export interface SyncReport extends SyncResult {
  readonly environment: string;
  readonly regions: readonly string[];
  readonly catalogVersion: string;
  readonly readOn: string;
  /** Set when --write wrote: the new catalog version and what the validator then says. */
  readonly written?: {
    readonly version: string;
    readonly valid: boolean;
    readonly issues: readonly CatalogIssue[];
  };
}

/** Bad input to the sync (an unknown environment, a catalog that fails its schema): nothing is read or written. */
export class SyncInputError extends Error {
  override readonly name = 'SyncInputError';
  constructor(
    message: string,
    readonly issues: readonly CatalogIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * Reads the catalog and environment files (JSON Schema only: a catalog whose cross-field rules wait
 * on a decision, such as a legacy model's replacement from an earlier sync, can still be synced).
 */
function readInputs(options: SyncOptions): { catalog: ModelCatalog; env: Environment; catalogPath: string } {
  const catalogPath = resolve(options.catalogPath ?? defaultCatalogPath);
  const envPath = join(resolve(options.environmentsDir ?? defaultEnvironmentsDir), `${options.environment}.json`);
  if (!existsSync(envPath))
    throw new SyncInputError(`no environment "${options.environment}": ${envPath} does not exist`);
  const docs = [
    { read: readJsonFile(catalogPath, catalogPath), kind: 'catalog' as const },
    { read: readJsonFile(envPath, envPath), kind: 'environment' as const },
  ];
  const issues = docs.flatMap(({ read, kind }) => (read.ok ? schemaIssues(read.doc, kind) : read.issues));
  if (issues.length > 0 || !docs[0].read.ok || !docs[1].read.ok)
    throw new SyncInputError('the catalog or the environment file is not valid; fix it first', issues);
  return {
    catalog: docs[0].read.doc.value as ModelCatalog,
    env: docs[1].read.doc.value as Environment,
    catalogPath,
  };
}

/**
 * The sync of one environment: reads Bedrock in each Region the environment calls, compares, and
 * with `write` applies the factual changes (bumping the catalog version) with the minimal-edit
 * writer, then runs the validator. A write the validator rejects is kept — its facts are AWS's —
 * and its issues (a legacy model's replacement, suggested by select) are the decisions the pull
 * request must make.
 */
export async function syncEnvironment(options: SyncOptions): Promise<SyncReport> {
  const { catalog, env, catalogPath } = readInputs(options);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const regions = environmentRegions(env);
  const snapshots = await Promise.all(
    regions.map((r) => readRegion(r, { ...catalogLookups(catalog, r), client: options.client })),
  );
  const result = compareCatalog(catalog, snapshots);
  const base = { environment: env.name, regions, catalogVersion: catalog.version, readOn: today, ...result };
  if (!options.write || result.changes.length === 0) return base;
  const version = nextVersion(catalog.version, today);
  const issues = writeCatalogEdits(catalogPath, [...result.changes, { path: ['version'], value: version }], {
    suggestReplacement: replacementSuggester,
    whenInvalid: 'keep',
    ...(options.environmentsDir ? { environmentsDir: options.environmentsDir } : {}),
  });
  return { ...base, written: { version, valid: !issues.some((i) => i.severity === 'error'), issues } };
}
