import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkProject, formatIssues, type EnvironmentPlan } from '../catalog';
import { projectRoot } from '../catalog/paths';
import { synthesize } from '../stacks/app';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run plan -- [--env NAME] [--out DIR]

Offline check of the synthesized Terraform, with no network and no AWS account: synthesizes every
environment (or only NAME), copies each stack into DIR/<env> (default .plan), adds a local-backend
override and a provider override with fake credentials and the provider's skip_* flags, then runs
terraform init (the AWS provider from a local filesystem mirror), validate, and
plan -refresh=false, writing DIR/<env>/plan.json (terraform show -json) for audits to read.

Needs Terraform (>= 1.10) on PATH and a filesystem mirror holding registry.terraform.io/hashicorp/aws
5.100.0: FM_TF_PROVIDER_MIRROR, else /opt/tf-plugins, ~/.terraform.d/plugins,
/usr/local/share/terraform/plugins or /usr/share/terraform/plugins.

With real credentials, the usual cdktf commands work unchanged:
  npx cdktf diff <env>      npx cdktf deploy <env>`;

export const PROVIDER = { source: 'registry.terraform.io/hashicorp/aws', version: '5.100.0' } as const;

/** Something the machine lacks (Terraform, the mirror): the message says how to fix it. */
export class PlanSetupError extends Error {
  override readonly name = 'PlanSetupError';
}

export interface EnvironmentPlanResult {
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
}

const USUAL_MIRRORS = [
  '/opt/tf-plugins',
  join(homedir(), '.terraform.d', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
];

/** The filesystem mirror holding the pinned AWS provider, or a setup error saying where it was looked for. */
export function findProviderMirror(
  env: NodeJS.ProcessEnv = process.env,
  usualPlaces: readonly string[] = USUAL_MIRRORS,
): string {
  const candidates = [env.FM_TF_PROVIDER_MIRROR, ...usualPlaces].filter((c): c is string => Boolean(c));
  const providerDir = join(...PROVIDER.source.split('/'), PROVIDER.version);
  const found = candidates.find((c) => existsSync(join(c, providerDir)));
  if (!found) {
    throw new PlanSetupError(
      `no filesystem mirror with ${PROVIDER.source} ${PROVIDER.version}; looked in ${candidates.join(', ')}.\n` +
        `fix: put the provider at <mirror>/${providerDir}/<os>_<arch>/ (terraform providers mirror <dir> on a connected machine) and set FM_TF_PROVIDER_MIRROR=<mirror>`,
    );
  }
  return found;
}

/** The Terraform binary's version, or a setup error. */
export function terraformVersion(): string {
  const r = spawnSync('terraform', ['version', '-json'], {
    encoding: 'utf8',
    env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' },
  });
  if (r.error || r.status !== 0) {
    throw new PlanSetupError(
      `terraform is not on PATH (${r.error?.message ?? r.stderr.trim()}).\nfix: install Terraform >= 1.10 (https://developer.hashicorp.com/terraform/install) and put it on PATH`,
    );
  }
  return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
}

/** The Terraform CLI configuration that installs the pinned provider from the mirror, through a shared plugin cache. */
export function cliConfig(mirror: string, cacheDir: string): string {
  return `# Written by cli/plan.ts: the AWS provider from a local mirror, nothing from the network.
plugin_cache_dir = ${JSON.stringify(cacheDir)}
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(mirror)}
    include = ["${PROVIDER.source}"]
  }
  direct {
    exclude = ["${PROVIDER.source}"]
  }
}
`;
}

/** Overrides that make a plan run offline: state in a local file, fake keys, no AWS calls at provider start. */
export function offlineOverrides(): Record<string, unknown> {
  return {
    'backend_override.tf.json': { terraform: { backend: { local: { path: 'terraform.tfstate' } } } },
    'provider_override.tf.json': {
      provider: {
        aws: [
          {
            access_key: 'offline-plan',
            secret_key: 'offline-plan',
            skip_credentials_validation: true,
            skip_requesting_account_id: true,
            skip_metadata_api_check: true,
            skip_region_validation: true,
            // With skip_requesting_account_id the provider never learns the account, so it refuses any
            // allowed_account_ids list ("AWS account ID not allowed: "): the offline plan drops the guard.
            allowed_account_ids: null,
          },
        ],
      },
    },
  };
}

function terraform(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('terraform', args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`terraform ${args.join(' ')} failed in ${cwd}:\n${r.stderr || r.stdout}`);
  return r.stdout;
}

/** Synthesizes the given plans and runs the offline init, validate, plan and show for each. */
export function planOffline(plans: readonly EnvironmentPlan[], options: PlanOptions = {}): EnvironmentPlanResult[] {
  const mirror = findProviderMirror();
  terraformVersion();
  const out = resolve(options.outDir ?? join(projectRoot, '.plan'));
  const synthDir = join(out, `.synth-${process.pid}`);
  const cacheDir = resolve(options.pluginCacheDir ?? join(projectRoot, '.plan', 'plugin-cache'));
  mkdirSync(cacheDir, { recursive: true });
  mkdirSync(out, { recursive: true });
  const rcPath = join(out, 'terraformrc');
  writeFileSync(rcPath, cliConfig(mirror, cacheDir));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: rcPath,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  delete env.AWS_PROFILE;

  const wanted = options.environments ? plans.filter((p) => options.environments?.includes(p.name)) : plans;
  rmSync(synthDir, { recursive: true, force: true });
  synthesize(wanted, synthDir);
  const results: EnvironmentPlanResult[] = [];
  try {
    for (const plan of wanted) {
      const started = performance.now();
      const dir = join(out, plan.name);
      mkdirSync(dir, { recursive: true });
      // Keep the initialized provider and lock file between runs; replace everything else.
      for (const entry of readdirSync(dir)) {
        if (entry !== '.terraform' && entry !== '.terraform.lock.hcl')
          rmSync(join(dir, entry), { recursive: true, force: true });
      }
      cpSync(join(synthDir, 'stacks', plan.name), dir, { recursive: true });
      for (const [file, content] of Object.entries(offlineOverrides()))
        writeFileSync(join(dir, file), `${JSON.stringify(content, null, 2)}\n`);

      terraform(['init', '-input=false', '-no-color', '-reconfigure'], dir, env);
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
        environment: plan.name,
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
