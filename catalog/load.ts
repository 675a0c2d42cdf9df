import { readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { ModelCatalog } from '../schemas/generated/model-catalog';
import type { Environment } from '../schemas/generated/environment';
import { CatalogValidationError, sortIssues, type CatalogIssue } from './issues';
import { catalogContext, environmentContext, type EnvironmentContext, type ReplacementSuggester } from './context';
import { readJsonFile, type JsonDocument } from './json-file';
import { defaultCatalogPath, defaultEnvironmentsDir } from './paths';
import type { EnvironmentPlan } from './plan';
import { resolveEnvironment } from './resolve';
import { assertRoutingTable } from './routing-table';
import { checkRules } from './rules';
import { schemaIssues } from './schema-validation';
import { applyWaivers } from './waivers';

export interface LoadOptions {
  /** Default: model-catalog.json at the project root. */
  readonly catalogPath?: string;
  /** Default: environments/ at the project root; every *.json in it is an environment. */
  readonly environmentsDir?: string;
  /** Only these environments (by file name without .json); default all. */
  readonly only?: readonly string[];
  /** Today as YYYY-MM-DD, for end-of-life checks. Default: the current UTC date. */
  readonly today?: string;
  /**
   * Proposes a replacement where a leaving model names none (the commands pass selection's ranking).
   * @default - the fix only says to add a replacement
   */
  readonly suggestReplacement?: ReplacementSuggester;
}

export interface LoadedProject {
  readonly catalog: ModelCatalog;
  readonly environments: readonly Environment[];
  /** One resolved plan per environment, development tiers first. */
  readonly plans: readonly EnvironmentPlan[];
  /** Warnings (legacy models in use ...); errors never reach a LoadedProject. */
  readonly warnings: readonly CatalogIssue[];
}

export type CheckResult = { readonly issues: readonly CatalogIssue[]; readonly project?: LoadedProject };

const TIER_ORDER: Record<Environment['tier'], number> = { development: 0, staging: 1, production: 2 };

/** Adds every issue of a list (a spread push overflows the call stack at tens of thousands of issues). */
function append(issues: CatalogIssue[], more: readonly CatalogIssue[]): void {
  for (const issue of more) issues.push(issue);
}

/**
 * The one loader: reads the catalog and environment files, validates them with JSON Schema and
 * then the cross-field rules, and resolves each environment. Never throws on bad input: every
 * problem is an issue, and `project` is present only when there is no error.
 */
export function checkProject(options: LoadOptions = {}): CheckResult {
  const catalogPath = resolve(options.catalogPath ?? defaultCatalogPath);
  const environmentsDir = resolve(options.environmentsDir ?? defaultEnvironmentsDir);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const issues: CatalogIssue[] = [];

  const catalogRead = readJsonFile(catalogPath, display(catalogPath));
  let catalogDoc: JsonDocument | undefined;
  if (!catalogRead.ok) append(issues, catalogRead.issues);
  else {
    const schema = schemaIssues(catalogRead.doc, 'catalog');
    append(issues, schema);
    if (schema.length === 0) catalogDoc = catalogRead.doc;
  }

  const envFiles = listEnvironmentFiles(environmentsDir, options.only, issues);
  const envDocs: { doc: JsonDocument; stem: string }[] = [];
  for (const file of envFiles) {
    const read = readJsonFile(file, display(file));
    if (!read.ok) {
      append(issues, read.issues);
      continue;
    }
    const schema = schemaIssues(read.doc, 'environment');
    append(issues, schema);
    if (schema.length === 0) envDocs.push({ doc: read.doc, stem: basename(file, '.json') });
  }

  if (!catalogDoc) return { issues: sortIssues(issues) };
  const ctx = catalogContext(catalogDoc, options.suggestReplacement);
  // Account-wide rules (a grant of another account's artifacts bucket) compare every environment,
  // so with --env the other files are read too: only their valid contents count, their issues are not reported.
  const others = options.only?.length
    ? listEnvironmentFiles(environmentsDir, undefined, [])
        .filter((file) => !envFiles.includes(file))
        .flatMap((file) => {
          const read = readJsonFile(file, display(file));
          return read.ok && schemaIssues(read.doc, 'environment').length === 0 ? [read.doc.value as Environment] : [];
        })
    : [];
  const allEnvironments = [...envDocs.map(({ doc }) => doc.value as Environment), ...others];
  const envContexts: EnvironmentContext[] = envDocs.map(({ doc, stem }) =>
    environmentContext(ctx, doc, stem, today, allEnvironments),
  );
  append(issues, checkRules(ctx, envContexts));

  const sorted = sortIssues(
    applyWaivers(
      issues,
      catalogDoc,
      envContexts.map((e) => e.env),
      today,
    ),
  );
  if (sorted.some((i) => i.severity === 'error') || envDocs.length !== envFiles.length) return { issues: sorted };

  const plans = envContexts
    .map((envCtx) => resolveEnvironment(envCtx))
    .sort((a, b) => TIER_ORDER[a.tier] - TIER_ORDER[b.tier] || a.name.localeCompare(b.name));
  for (const plan of plans) assertRoutingTable(plan.routingTable);
  return {
    issues: sorted,
    project: { catalog: ctx.catalog, environments: envContexts.map((e) => e.env), plans, warnings: sorted },
  };
}

/** checkProject, throwing a CatalogValidationError (with every issue) when anything is wrong. */
export function loadProject(options: LoadOptions = {}): LoadedProject {
  const result = checkProject(options);
  if (!result.project) throw new CatalogValidationError(result.issues);
  return result.project;
}

function listEnvironmentFiles(dir: string, only: readonly string[] | undefined, issues: CatalogIssue[]): string[] {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a folder');
    names = readdirSync(dir)
      .filter((n) => n.endsWith('.json'))
      .sort();
  } catch {
    issues.push({
      severity: 'error',
      rule: 'file-unreadable',
      file: display(dir),
      pointer: '',
      message: `environments folder not found: ${dir}`,
      expected: 'a folder holding one <name>.json per environment',
      fix: 'pass --environments DIR',
    });
    return [];
  }
  if (only && only.length > 0) {
    const missing = only.filter((o) => !names.includes(`${o}.json`));
    for (const m of missing) {
      issues.push({
        severity: 'error',
        rule: 'file-unreadable',
        file: display(join(dir, `${m}.json`)),
        pointer: '',
        message: `no environment named "${m}"`,
        expected: `one of ${names.map((n) => n.replace(/\.json$/, '')).join(', ')}`,
      });
    }
    names = names.filter((n) => only.includes(n.replace(/\.json$/, '')));
  }
  if (names.length === 0 && issues.length === 0) {
    issues.push({
      severity: 'error',
      rule: 'file-unreadable',
      file: display(dir),
      pointer: '',
      message: 'no environment files (*.json) in the environments folder',
      fix: 'add environments/dev.json',
    });
  }
  return names.map((n) => join(dir, n));
}

/** A path as people should read it: relative to the working directory when inside it. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
