import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, formatIssues, type EnvironmentPlan } from '../catalog';
import { projectRoot } from '../catalog/paths';
import { synthesize } from '../stacks/app';
import { bootstrapAccounts } from '../stacks/bootstrap-stack';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run plan -- [--env NAME] [--out DIR]

Offline check of the synthesized Terraform, with no network and no AWS account: synthesizes every
environment (or only NAME), copies each stack into DIR/<env> (default .plan), adds a local-backend
override and a provider override with fake credentials and the provider's skip_* flags, then runs
terraform init, validate, and plan -refresh=false, writing DIR/<env>/plan.json (terraform show -json)
for audits to read. The accounts' bootstrap stacks (bootstrap-<account>) are planned the same way.

Needs Terraform (>= 1.10) on PATH. The AWS provider comes from a local filesystem mirror holding
registry.terraform.io/hashicorp/aws 5.100.0 when there is one (FM_TF_PROVIDER_MIRROR, else
/opt/tf-plugins, ~/.terraform.d/plugins, /usr/local/share/terraform/plugins or
/usr/share/terraform/plugins), otherwise from the Terraform registry; either way it is checked
against the committed .terraform.lock.hcl (init -lockfile=readonly).

With real credentials, the usual cdktf commands work unchanged:
  npx cdktf diff <env>      npx cdktf deploy <env>`;

export const PROVIDER = { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' } as const;

/** Something the machine lacks (Terraform, the mirror): the message says how to fix it. */
export class PlanSetupError extends Error {
  override readonly name = 'PlanSetupError';
}

export interface EnvironmentPlanResult {
  /** The stack: an environment's name, or `bootstrap-<account>`. */
  readonly environment: string;
  readonly dir: string;
  readonly planJsonPath: string;
  /** Terraform's `Plan: N to add, N to change, N to destroy.` line (or `No changes.`). */
  readonly summary: string;
  readonly durationMs: number;
}

export interface PlanOptions {
  /** Environments to plan. @default every environment */
  readonly environments?: readonly string[];
  /** @default <project>/.plan */
  readonly outDir?: string;
  /** Terraform's provider cache, shared by every work dir. @default <project>/.plan/plugin-cache */
  readonly pluginCacheDir?: string;
  /** Called with each result as soon as it is ready. */
  readonly onResult?: (r: EnvironmentPlanResult) => void;
  /** The environment Terraform runs in (PATH, FM_TF_PROVIDER_MIRROR). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where to look for a provider mirror besides FM_TF_PROVIDER_MIRROR. @default the usual places */
  readonly usualMirrors?: readonly string[];
}

const USUAL_MIRRORS = [
  '/opt/tf-plugins',
  join(homedir(), '.terraform.d', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
];

/** Where `terraform init` takes the AWS provider from. */
export type ProviderInstallation =
  | { readonly kind: 'mirror'; readonly path: string }
  /** No mirror on this machine (a hosted CI runner): the registry, checked against the committed lock file. */
  | { readonly kind: 'registry'; readonly lookedIn: readonly string[] };

/** The committed lock file of the AWS provider, copied into every stack folder before init. */
export const LOCK_FILE = join(projectRoot, '.terraform.lock.hcl');

/** The filesystem mirror holding the pinned AWS provider, if this machine has one. */
export function findProviderMirror(
  env: NodeJS.ProcessEnv = process.env,
  usualPlaces: readonly string[] = USUAL_MIRRORS,
): string | undefined {
  return mirrorCandidates(env, usualPlaces).find((c) => existsSync(join(c, providerDir())));
}

/** The mirror when there is one, else the registry. */
export function providerInstallation(
  env: NodeJS.ProcessEnv = process.env,
  usualPlaces: readonly string[] = USUAL_MIRRORS,
): ProviderInstallation {
  const path = findProviderMirror(env, usualPlaces);
  return path !== undefined
    ? { kind: 'mirror', path }
    : { kind: 'registry', lookedIn: mirrorCandidates(env, usualPlaces) };
}

function mirrorCandidates(env: NodeJS.ProcessEnv, usualPlaces: readonly string[]): string[] {
  return [env.FM_TF_PROVIDER_MIRROR, ...usualPlaces].filter((c): c is string => Boolean(c));
}

const providerDir = () => join(...PROVIDER.source.split('/'), PROVIDER.version);

/** The Terraform binary's version, or a setup error saying how to install it. */
export function terraformVersion(env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync('terraform', ['version', '-json'], {
    encoding: 'utf8',
    env: { ...env, TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  if (r.error || r.status !== 0) {
    throw new PlanSetupError(
      `terraform is not on PATH (${r.error?.message ?? r.stderr.trim()}).\nfix: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install; the S3 backend's native lock file, use_lockfile, needs 1.10) and put it on PATH`,
    );
  }
  return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
}

/**
 * The Terraform CLI configuration for an offline plan: the AWS provider from the mirror and nothing
 * from the network; or, with no mirror, the registry (direct installation). Both share one plugin
 * cache, and both verify the provider against the committed lock file.
 * https://developer.hashicorp.com/terraform/cli/config/config-file#provider-installation
 */
export function cliConfig(installation: ProviderInstallation, cacheDir: string): string {
  if (installation.kind === 'registry') {
    return `# Written by cli/plan.ts: no provider mirror on this machine (looked in ${installation.lookedIn.join(', ') || 'no place'}),
# so the AWS provider comes from its registry, checked against the committed .terraform.lock.hcl.
plugin_cache_dir = ${JSON.stringify(cacheDir)}
provider_installation {
  direct {
    include = ["${PROVIDER.source}"]
  }
}
`;
  }
  return `# Written by cli/plan.ts: the AWS provider from a local mirror, nothing from the network.
plugin_cache_dir = ${JSON.stringify(cacheDir)}
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(installation.path)}
    include = ["${PROVIDER.source}"]
  }
  direct {
    exclude = ["${PROVIDER.source}"]
  }
}
`;
}

/** What prepareTerraform decided and wrote. */
export interface TerraformSetup {
  readonly installation: ProviderInstallation;
  /** The CLI configuration file (TF_CLI_CONFIG_FILE). */
  readonly rcPath: string;
  /** The environment every terraform command runs with. */
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
}

/**
 * Writes the CLI configuration into outDir (mirror or registry), then checks that Terraform runs:
 * a machine without Terraform gets a PlanSetupError with the fix, after the configuration is written.
 */
export function prepareTerraform(
  outDir: string,
  cacheDir: string,
  baseEnv: NodeJS.ProcessEnv = process.env,
  usualMirrors: readonly string[] = USUAL_MIRRORS,
): TerraformSetup {
  const installation = providerInstallation(baseEnv, usualMirrors);
  mkdirSync(cacheDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const rcPath = join(outDir, 'terraformrc');
  writeFileSync(rcPath, cliConfig(installation, cacheDir));
  const env: NodeJS.ProcessEnv = {
    ...baseEnv,
    TF_CLI_CONFIG_FILE: rcPath,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete env.AWS_PROFILE;
  return { installation, rcPath, env, version: terraformVersion(baseEnv) };
}

/** Overrides that make a plan run offline: state in a local file, fake keys, no AWS calls at provider start. */
export function offlineOverrides(aliases: readonly string[] = []): Record<string, unknown> {
  // Override files merge provider blocks by name and alias: every aliased provider (a DR Region's) needs its own.
  return {
    'backend_override.tf.json': { terraform: { backend: { local: { path: 'terraform.tfstate' } } } },
    'provider_override.tf.json': {
      provider: {
        aws: [undefined, ...aliases].map((alias) => ({
          ...(alias !== undefined ? { alias } : {}),
          access_key: 'offline-plan',
          secret_key: 'offline-plan',
          skip_credentials_validation: true,
          skip_requesting_account_id: true,
          skip_metadata_api_check: true,
          skip_region_validation: true,
          // With skip_requesting_account_id the provider never learns the account, so it refuses any
          // allowed_account_ids list ("AWS account ID not allowed: "): the offline plan drops the guard.
          allowed_account_ids: null,
        })),
      },
    },
  };
}

/** The aliases of the AWS provider blocks a synthesized stack declares. */
export function providerAliases(dir: string): string[] {
  const stack = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as {
    provider?: { aws?: readonly { alias?: string }[] };
  };
  return (stack.provider?.aws ?? []).flatMap((p) => (p.alias !== undefined ? [p.alias] : []));
}

function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${cwd}:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Synthesizes the given plans and runs the offline init, validate, plan and show for each. */
export function planOffline(plans: readonly EnvironmentPlan[], options: PlanOptions = {}): EnvironmentPlanResult[] {
  const out = resolve(options.outDir ?? join(projectRoot, '.plan'));
  const synthDir = join(out, `.synth-${process.pid}`);
  const cacheDir = resolve(options.pluginCacheDir ?? join(projectRoot, '.plan', 'plugin-cache'));
  const { env } = prepareTerraform(out, cacheDir, options.env, options.usualMirrors);

  const wanted = options.environments ? plans.filter((p) => options.environments?.includes(p.name)) : plans;
  rmSync(synthDir, { recursive: true, force: true });
  synthesize(wanted, synthDir);
  const results: EnvironmentPlanResult[] = [];
  // The environments' stacks, then their accounts' bootstrap stacks, planned the same way.
  const stackNames = [...wanted.map((p) => p.name), ...bootstrapAccounts(wanted).map((a) => a.stackName)];
  try {
    for (const stackName of stackNames) {
      const started = performance.now();
      const dir = join(out, stackName);
      mkdirSync(dir, { recursive: true });
      // Keep the initialized provider and lock file between runs; replace everything else.
      for (const entry of readdirSync(dir)) {
        if (entry !== '.terraform') rmSync(join(dir, entry), { recursive: true, force: true });
      }
      cpSync(join(synthDir, 'stacks', stackName), dir, { recursive: true });
      for (const [file, content] of Object.entries(offlineOverrides(providerAliases(dir))))
        writeFileSync(join(dir, file), `${JSON.stringify(content, null, 2)}\n`);
      // The committed lock file: init installs exactly the provider it pins and changes nothing in it.
      cpSync(LOCK_FILE, join(dir, '.terraform.lock.hcl'));

      terraform(['init', '-input=false', '-no-color', '-reconfigure', '-lockfile=readonly'], dir, env);
      terraform(['validate', '-no-color'], dir, env);
      const planOut = terraform(
        ['plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=tfplan'],
        dir,
        env,
      );
      const planJsonPath = join(dir, 'plan.json');
      writeFileSync(planJsonPath, terraform(['show', '-json', 'tfplan'], dir, env));
      const summary =
        planOut
          .split('\n')
          .find((l) => /^(Plan: |No changes\.)/.test(l.trim()))
          ?.trim() ?? '(no plan summary line)';
      const result = {
        environment: stackName,
        dir,
        planJsonPath,
        summary,
        durationMs: Math.round(performance.now() - started),
      };
      results.push(result);
      options.onResult?.(result);
    }
  } finally {
    rmSync(synthDir, { recursive: true, force: true });
  }
  return results;
}

function main(): void {
  const opts = parseOptions({ env: { type: 'string', multiple: true }, out: { type: 'string' } }, USAGE);
  if (opts.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const checked = checkProject({ suggestReplacement: replacementSuggester });
  if (!checked.project) {
    console.error(formatIssues(checked.issues));
    console.error('\nplan refused: the catalog or an environment is invalid (see above).');
    process.exit(1);
  }
  const names = checked.project.plans.map((p) => p.name);
  const unknown = (opts.env ?? []).filter((e) => !names.includes(e));
  if (unknown.length) {
    console.error(`unknown environment ${unknown.join(', ')}; known: ${names.join(', ')}`);
    process.exit(2);
  }
  try {
    planOffline(checked.project.plans, {
      environments: opts.env,
      outDir: opts.out,
      onResult: (r) => console.log(`${r.environment}: ${r.summary} (${r.durationMs} ms; ${r.planJsonPath})`),
    });
  } catch (err) {
    if (err instanceof PlanSetupError) {
      console.error(`plan cannot run here: ${err.message}`);
      process.exit(2);
    }
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

if (require.main === module) main();
