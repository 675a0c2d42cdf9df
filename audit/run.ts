import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { checkProject, type EnvironmentPlan } from '../catalog';
import { defaultCatalogPath, defaultEnvironmentsDir, projectRoot } from '../catalog/paths';
import { synthesize } from '../stacks/app';
import { blockedAudit, buildAudit } from './report';
import type { AuditReport, AuditSide } from './types';
import { isTerraformPlan, type TerraformPlanJson } from './stack-json';
import { replacementSuggester } from '../selection/rank';

export interface RunAuditOptions {
  readonly catalogPath?: string;
  readonly environmentsDir?: string;
  readonly only?: readonly string[];
  /** A git ref whose catalog and environments are the base, resolved and synthesized with this code. */
  readonly base?: string;
  /** A `terraform show -json` plan of one environment (needs exactly one --env). */
  readonly planFile?: string;
  readonly today?: string;
}

/** A problem with the audit's own inputs (a bad ref, an unreadable plan): exit 2, not a gate failure. */
export class AuditInputError extends Error {
  override readonly name = 'AuditInputError';
}

export function runAudit(options: RunAuditOptions = {}): AuditReport {
  const catalogPath = resolve(options.catalogPath ?? defaultCatalogPath);
  const environmentsDir = resolve(options.environmentsDir ?? defaultEnvironmentsDir);
  const plan = options.planFile ? readPlan(options.planFile, options.only) : undefined;
  if (!options.base) return auditFiles({ catalogPath, environmentsDir }, undefined, { ...options, plan });
  const files = materializeRef(options.base, catalogPath, environmentsDir);
  try {
    return auditFiles(
      { catalogPath, environmentsDir },
      { ref: options.base, files: files ?? null },
      { ...options, plan },
    );
  } finally {
    if (files) rmSync(files.dir, { recursive: true, force: true });
  }
}

export interface ProjectFiles {
  readonly catalogPath: string;
  readonly environmentsDir: string;
}

/** The audit of a head project, optionally against a base project (null: the base ref has no catalog). */
export function auditFiles(
  headFiles: ProjectFiles,
  base: { readonly ref: string; readonly files: ProjectFiles | null } | undefined,
  options: {
    readonly only?: readonly string[];
    readonly today?: string;
    readonly plan?: { environment: string; json: TerraformPlanJson };
  } = {},
): AuditReport {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  let baseSide: AuditSide | undefined;
  let baseVersion: string | null = null;
  if (base?.files) {
    const checked = checkProject({ ...base.files, today, suggestReplacement: replacementSuggester });
    baseVersion = checked.project?.catalog.version ?? catalogVersionOf(base.files.catalogPath);
    if (checked.project) {
      const plans = checked.project.plans.filter((p) => !options.only?.length || options.only.includes(p.name));
      baseSide = { project: { ...checked.project, plans }, issues: checked.issues, stacks: synthStacks(plans) };
    }
  }
  const baseInfo = base ? { ref: base.ref, catalogVersion: baseVersion, side: baseSide } : undefined;
  const head = checkProject({ ...headFiles, only: options.only, today, suggestReplacement: replacementSuggester });
  if (!head.project) {
    return blockedAudit(
      catalogVersionOf(headFiles.catalogPath),
      head.issues,
      baseInfo ? { ref: baseInfo.ref, catalogVersion: baseVersion, valid: baseSide !== undefined } : undefined,
    );
  }
  return buildAudit(
    { project: head.project, issues: head.issues, stacks: synthStacks(head.project.plans) },
    { today, ...(baseInfo ? { base: baseInfo } : {}), ...(options.plan ? { plan: options.plan } : {}) },
  );
}

function catalogVersionOf(path: string): string | null {
  try {
    const version = (JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' && version ? version : null;
  } catch {
    return null;
  }
}

/** Each environment's cdk.tf.json, synthesized by the same code as `npm run synth`, into a scratch folder. */
export function synthStacks(plans: readonly EnvironmentPlan[]): Map<string, unknown> {
  const dir = mkdtempSync(join(tmpdir(), 'fm-audit-synth-'));
  try {
    synthesize(plans, dir);
    return new Map(
      plans.map((p) => [
        p.name,
        JSON.parse(readFileSync(join(dir, 'stacks', p.name, 'cdk.tf.json'), 'utf8')) as unknown,
      ]),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes the catalog and environment files of a git ref into a scratch folder; undefined when the ref has no catalog. */
function materializeRef(ref: string, catalogPath: string, environmentsDir: string) {
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: projectRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  try {
    git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AuditInputError(`--base ${ref}: git is not on PATH; install git or audit without --base`);
    throw new AuditInputError(
      `--base ${ref}: no such commit in ${projectRoot} (fetch it first, e.g. git fetch origin main)`,
    );
  }
  // A head outside the repository (a scratch copy being tried) compares with the repository's own files.
  const inRepo = (path: string, fallback: string) => {
    const rel = relative(projectRoot, path);
    return rel.startsWith('..') || isAbsolute(rel) ? fallback : rel;
  };
  const catalogInRepo = inRepo(catalogPath, 'model-catalog.json');
  const envsInRepo = inRepo(environmentsDir, 'environments');
  const gitOrFail = (...args: string[]) => {
    try {
      return git(...args);
    } catch (err) {
      const raw = (err as { stderr?: unknown }).stderr;
      const stderr = (typeof raw === 'string' ? raw : Buffer.isBuffer(raw) ? raw.toString('utf8') : '').trim();
      throw new AuditInputError(`--base ${ref}: git ${args.join(' ')} failed${stderr ? `: ${stderr}` : ''}`);
    }
  };
  // Only a ref that exists and has no catalog file is "no catalog at the base"; any other git failure is an error.
  if (gitOrFail('ls-tree', '--name-only', ref, '--', catalogInRepo).trim() === '') return undefined;
  const catalogText = gitOrFail('show', `${ref}:${catalogInRepo}`);
  const dir = mkdtempSync(join(tmpdir(), 'fm-audit-base-'));
  const baseCatalog = join(dir, 'model-catalog.json');
  const baseEnvs = join(dir, 'environments');
  mkdirSync(baseEnvs);
  writeFileSync(baseCatalog, catalogText);
  const names = gitOrFail('ls-tree', '--name-only', ref, `${envsInRepo}/`)
    .split('\n')
    .filter((n) => n.endsWith('.json'));
  for (const n of names) writeFileSync(join(baseEnvs, posix.basename(n)), gitOrFail('show', `${ref}:${n}`));
  return { dir, catalogPath: baseCatalog, environmentsDir: baseEnvs };
}

function readPlan(file: string, only: readonly string[] | undefined) {
  if (!only || only.length !== 1)
    throw new AuditInputError('--plan reads the plan of one environment: name it with --env');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new AuditInputError(
      `--plan ${file}: cannot read a JSON plan (${err instanceof Error ? err.message : String(err)}); make it with terraform show -json tfplan > plan.json`,
    );
  }
  if (!isTerraformPlan(json))
    throw new AuditInputError(
      `--plan ${file}: not a Terraform plan (no format_version and resource_changes); make it with terraform show -json tfplan > plan.json`,
    );
  return { environment: only[0], json };
}
