import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../catalog';
import { projectRoot } from '../../catalog/paths';
import { runAudit } from '../../audit/run';
import {
  cliConfig,
  findProviderMirror,
  offlineOverrides,
  planOffline,
  PlanSetupError,
  prepareTerraform,
  providerInstallation,
  PROVIDER,
  type EnvironmentPlanResult,
} from '../../cli/plan';
import { tempDir } from '../support/temp-dir';

interface PlanJson {
  resource_changes: { mode: string; type: string; change: { actions: string[] } }[];
}

describe('offline terraform plan', () => {
  const plans = loadProject().plans;
  const results = new Map<string, EnvironmentPlanResult>();

  it('validates and plans every environment and every account bootstrap with no network and no account', () => {
    const out = planOffline(plans, { outDir: join(projectRoot, '.plan', 'jest') });
    for (const r of out) results.set(r.environment, r);
    expect([...results.keys()]).toEqual([
      ...plans.map((p) => p.name),
      ...[...new Set(plans.map((p) => p.account))].map((a) => `bootstrap-${a}`),
    ]);
    for (const r of out) expect(r.summary).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/);
  }, 600_000);

  it.each([
    [
      'dev',
      [
        'aws_lambda_function',
        'aws_api_gateway_rest_api',
        'aws_api_gateway_stage',
        'aws_dynamodb_table',
        'aws_appconfig_deployment',
        'aws_kms_key',
        'aws_iam_role_policy',
      ],
      ['aws_sagemaker_endpoint', 'aws_wafv2_web_acl'],
    ],
    [
      'staging',
      [
        'aws_lambda_function',
        'aws_sagemaker_endpoint',
        'aws_sagemaker_endpoint_configuration',
        'aws_sagemaker_model',
        'aws_sagemaker_model_package_group',
      ],
      ['aws_wafv2_web_acl'],
    ],
    [
      'prod',
      [
        'aws_lambda_function',
        'aws_sagemaker_endpoint',
        'aws_wafv2_web_acl',
        'aws_wafv2_web_acl_association',
        'aws_cloudwatch_dashboard',
      ],
      [],
    ],
  ])('plans the key resources of %s', (env, present, absent) => {
    const result = results.get(env);
    expect(result).toBeDefined();
    const json = JSON.parse(readFileSync(result?.planJsonPath ?? '', 'utf8')) as PlanJson;
    const created = new Set(
      json.resource_changes.filter((c) => c.change.actions.includes('create')).map((c) => c.type),
    );
    for (const type of present) expect(created).toContain(type);
    for (const type of absent) expect(created).not.toContain(type);
    expect(json.resource_changes.filter((c) => c.mode === 'managed').length).toBe(
      Number(/Plan: (\d+) to add/.exec(result?.summary ?? '')?.[1]),
    );
  });

  it('plans the bootstrap of an account: state bucket, OIDC, deploy role, API Gateway account, artifacts bucket', () => {
    const result = results.get('bootstrap-333333333333');
    const json = JSON.parse(readFileSync(result?.planJsonPath ?? '', 'utf8')) as PlanJson & {
      planned_values: { root_module: { resources: { type: string; values: Record<string, unknown> }[] } };
    };
    const created = json.resource_changes.filter((c) => c.change.actions.includes('create')).map((c) => c.type);
    for (const type of [
      'aws_s3_bucket',
      'aws_s3_bucket_versioning',
      'aws_s3_bucket_server_side_encryption_configuration',
      'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_policy',
      'aws_iam_openid_connect_provider',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_api_gateway_account',
    ])
      expect(created).toContain(type);
    const buckets = json.planned_values.root_module.resources
      .filter((r) => r.type === 'aws_s3_bucket')
      .map((r) => r.values.bucket);
    expect(buckets.sort()).toEqual(['fm-platform-model-artifacts-333333333333', 'fm-platform-tfstate-333333333333']);
    const role = json.planned_values.root_module.resources.find(
      (r) => r.type === 'aws_iam_role' && r.values.name === 'fm-platform-deploy-prod',
    );
    expect(role).toBeDefined();
  });

  it("feeds a real terraform show -json plan to the audit, which reads Terraform's actions and the rendered policies", () => {
    const prod = results.get('prod')!;
    const report = runAudit({ only: ['prod'], planFile: prod.planJsonPath, today: '2026-11-29' });
    const env = report.environments[0];
    expect(report.passed).toBe(true);
    expect(env.resources!.length).toBe(Number(/Plan: (\d+) to add/.exec(prod.summary)?.[1]));
    expect(env.resources!.every((r) => r.action === 'create')).toBe(true);
    expect(env.modelAccess.map((a) => a.resource)).toContain(
      'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
    );
  });

  it('runs offline: local backend, fake keys, no account lookup', () => {
    expect(offlineOverrides()).toMatchObject({
      'backend_override.tf.json': { terraform: { backend: { local: { path: 'terraform.tfstate' } } } },
      'provider_override.tf.json': {
        provider: {
          aws: [{ skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: true }],
        },
      },
    });
  });

  it('takes the provider from a mirror when one holds the pinned version', () => {
    const mirror = tempDir('fm-mirror-');
    mkdirSync(join(mirror, ...PROVIDER.source.split('/'), PROVIDER.version, 'linux_amd64'), { recursive: true });
    expect(findProviderMirror({ FM_TF_PROVIDER_MIRROR: mirror }, [])).toBe(mirror);
    const config = cliConfig(providerInstallation({ FM_TF_PROVIDER_MIRROR: mirror }, []), '/cache');
    expect(config).toContain(`filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}`);
    expect(config).toContain(`direct {\n    exclude = ["${PROVIDER.source}"]`);
  });

  it('writes a registry configuration, with no filesystem mirror, when the machine has none', () => {
    const out = tempDir('fm-plan-registry-');
    const setup = prepareTerraform(
      out,
      join(out, 'cache'),
      { ...process.env, FM_TF_PROVIDER_MIRROR: '/nonexistent' },
      [],
    );
    expect(setup.installation).toEqual({ kind: 'registry', lookedIn: ['/nonexistent'] });
    const written = readFileSync(setup.rcPath, 'utf8');
    expect(setup.env.TF_CLI_CONFIG_FILE).toBe(setup.rcPath);
    expect(written).not.toContain('filesystem_mirror');
    expect(written).toContain(`provider_installation {\n  direct {\n    include = ["${PROVIDER.source}"]\n  }\n}`);
    expect(written).toContain(`plugin_cache_dir = ${JSON.stringify(join(out, 'cache'))}`);
  });

  it('checks the provider against the committed lock file, which pins 5.100.0 with every platform checksum', () => {
    const lock = readFileSync(join(projectRoot, '.terraform.lock.hcl'), 'utf8');
    expect(lock).toContain(`provider "${PROVIDER.source}" {\n  version     = "${PROVIDER.version}"`);
    expect(lock.match(/"zh:[0-9a-f]{64}"/g)?.length).toBeGreaterThanOrEqual(10);
    // The plan above ran init -lockfile=readonly with it: the lock file in a work dir is the committed one.
    const dev = results.get('dev');
    expect(readFileSync(join(dev?.dir ?? '', '.terraform.lock.hcl'), 'utf8')).toBe(lock);
  });

  it('fails with the setup error and its fix when Terraform is missing, after writing the configuration', () => {
    const out = tempDir('fm-plan-no-terraform-');
    const noTerraform = { ...process.env, PATH: tempDir('fm-empty-path-'), FM_TF_PROVIDER_MIRROR: '/nonexistent' };
    const run = () => planOffline(plans, { environments: ['dev'], outDir: out, env: noTerraform, usualMirrors: [] });
    expect(run).toThrow(PlanSetupError);
    expect(run).toThrow(
      /^terraform is not on PATH \(.*\)\.\nfix: install Terraform >= 1\.10 \(https:\/\/developer\.hashicorp\.com/,
    );
    expect(existsSync(join(out, 'terraformrc'))).toBe(true);
    expect(existsSync(join(out, 'dev'))).toBe(false);
  });
});
