import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../catalog';
import { projectRoot } from '../../catalog/paths';
import { runAudit } from '../../audit/run';
import {
  findProviderMirror,
  offlineOverrides,
  planOffline,
  PlanSetupError,
  type EnvironmentPlanResult,
} from '../../cli/plan';

interface PlanJson {
  resource_changes: { mode: string; type: string; change: { actions: string[] } }[];
}

describe('offline terraform plan', () => {
  const plans = loadProject().plans;
  const results = new Map<string, EnvironmentPlanResult>();

  it('validates and plans every environment with no network and no account', () => {
    const out = planOffline(plans, { outDir: join(projectRoot, '.plan', 'jest') });
    for (const r of out) results.set(r.environment, r);
    expect([...results.keys()]).toEqual(plans.map((p) => p.name));
    for (const r of out) expect(r.summary).toMatch(/^Plan: \d+ to add, 0 to change, 0 to destroy\.$/);
  }, 300_000);

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

  it('fails with a fix when no provider mirror exists', () => {
    expect(() => findProviderMirror({ FM_TF_PROVIDER_MIRROR: '/nonexistent' }, [])).toThrow(PlanSetupError);
    expect(() => findProviderMirror({ FM_TF_PROVIDER_MIRROR: '/nonexistent' }, [])).toThrow(
      /no filesystem mirror with registry\.terraform\.io\/hashicorp\/aws 5\.100\.0; looked in \/nonexistent\.\nfix: /,
    );
  });
});
