import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../catalog';
import { projectRoot } from '../../catalog/paths';
import { buildAudit } from '../../audit/report';
import { runAudit, synthStacks } from '../../audit/run';
import { stackIamPolicies, type TerraformPlanJson } from '../../audit/stack-json';
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
        'aws_api_gateway_rest_api',
        'aws_api_gateway_deployment',
      ],
      // The OpenAPI body defines the methods, the authorizer and the gateway responses.
      ['aws_api_gateway_method', 'aws_api_gateway_integration', 'aws_api_gateway_authorizer'],
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

  it("plans prod's SageMaker DR endpoint in its failover Region, with its own role, key, log group and alarms there", () => {
    const json = JSON.parse(readFileSync(results.get('prod')?.planJsonPath ?? '', 'utf8')) as {
      configuration: {
        provider_config: Record<
          string,
          { name: string; alias?: string; expressions?: { region?: { constant_value?: string } } }
        >;
        root_module: { resources: { address: string; type: string; provider_config_key: string }[] };
      };
      planned_values: { root_module: { resources: { address: string; values: Record<string, unknown> }[] } };
    };
    expect(json.configuration.provider_config['aws.us-west-2']).toMatchObject({
      alias: 'us-west-2',
      expressions: { region: { constant_value: 'us-west-2' } },
    });
    const dr = json.configuration.root_module.resources.filter((r) => r.provider_config_key === 'aws.us-west-2');
    expect([...new Set(dr.map((r) => r.type))].sort()).toEqual([
      'aws_cloudwatch_log_group',
      'aws_cloudwatch_metric_alarm',
      'aws_iam_policy_document',
      'aws_iam_role',
      'aws_iam_role_policy',
      'aws_kms_alias',
      'aws_kms_key',
      'aws_sagemaker_endpoint',
      'aws_sagemaker_endpoint_configuration',
      'aws_sagemaker_model',
    ]);
    const values = (type: string) =>
      json.planned_values.root_module.resources
        .filter((r) => r.address.startsWith(`${type}.`) && dr.some((d) => d.address === r.address))
        .map((r) => r.values);
    expect(values('aws_sagemaker_endpoint')).toEqual([
      expect.objectContaining({ name: 'fm-prod-llama-3-8b-support-lora-dr' }),
    ]);
    expect(values('aws_iam_role')).toEqual([
      expect.objectContaining({ name: 'fm-prod-llama-3-8b-support-lora-dr-exec' }),
    ]);
    expect(values('aws_cloudwatch_metric_alarm').map((a) => a.alarm_name)).toEqual(
      expect.arrayContaining([
        'fm-prod-llama-3-8b-support-lora-dr-5xx',
        'fm-prod-llama-3-8b-support-lora-dr-model-latency-p99',
      ]),
    );
  });

  it('plans the response-cache table of prod (TTL, the environment key, no PITR) and its get/put-only grant', () => {
    const json = JSON.parse(readFileSync(results.get('prod')?.planJsonPath ?? '', 'utf8')) as {
      resource_changes: { type: string; change: { after: Record<string, unknown> } }[];
    };
    const cache = json.resource_changes.find(
      (c) => c.type === 'aws_dynamodb_table' && c.change.after.name === 'fm-prod-cache',
    )?.change.after;
    expect(cache).toMatchObject({
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      ttl: [{ attribute_name: 'expiresAt', enabled: true }],
      point_in_time_recovery: [{ enabled: false }],
      server_side_encryption: [{ enabled: true }],
    });
    const grant = json.resource_changes.find(
      (c) => c.type === 'aws_iam_role_policy' && c.change.after.name === 'cache-table-read-write',
    );
    expect(grant).toBeDefined();
  });

  it("plans prod's application inference profiles, tagged, and the router's managed policies for them attached to its role", () => {
    const json = JSON.parse(readFileSync(results.get('prod')?.planJsonPath ?? '', 'utf8')) as {
      resource_changes: {
        type: string;
        change: { actions: string[]; after: Record<string, unknown>; after_unknown?: Record<string, unknown> };
      }[];
    };
    const prod = plans.find((p) => p.name === 'prod')!;
    const of = (type: string) => json.resource_changes.filter((c) => c.type === type);
    const profiles = of('aws_bedrock_inference_profile');
    expect(profiles).toHaveLength(prod.applicationProfiles.length);
    expect(profiles.every((c) => c.change.actions.join() === 'create' && c.change.after_unknown?.arn === true)).toBe(
      true,
    );
    expect(profiles.map((c) => c.change.after.name)).toContain('fm-prod-chat-claude-sonnet-4-web-app');
    expect(
      profiles.find((c) => c.change.after.name === 'fm-prod-chat-claude-sonnet-4-web-app')?.change.after,
    ).toMatchObject({
      model_source: [
        {
          copy_from:
            'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
        },
      ],
      tags: { environment: 'prod', route: 'chat', model: 'claude-sonnet-4', team: 'web-app' },
      // The provider's default tags join them in tags_all, which is what the bill sees.
      tags_all: expect.objectContaining({ project: 'fm-platform', team: 'web-app' }) as unknown,
    });
    expect(of('aws_iam_policy').map((c) => c.change.after.name)).toEqual([
      'fm-prod-router-application-profiles-1',
      'fm-prod-router-application-profiles-2',
    ]);
    expect(of('aws_iam_role_policy_attachment').map((c) => c.change.after.role)).toEqual([
      'fm-prod-router-role',
      'fm-prod-router-role',
    ]);
    // The routing table's content holds the profiles' ARNs: known only after apply.
    expect(of('aws_appconfig_hosted_configuration_version')[0].change.after_unknown?.content).toBe(true);
  });

  it("plans prod's API as one OpenAPI body (overwrite, fail on warnings), whole at plan time: STREAM integrations on the streaming twin, the key authorizer on every method", () => {
    const json = JSON.parse(readFileSync(results.get('prod')?.planJsonPath ?? '', 'utf8')) as {
      resource_changes: { type: string; change: { after: Record<string, unknown> } }[];
    };
    const after = (type: string) => json.resource_changes.filter((c) => c.type === type).map((c) => c.change.after);
    const [api] = after('aws_api_gateway_rest_api');
    expect(api).toMatchObject({ api_key_source: 'AUTHORIZER', fail_on_warnings: true });
    // Written as overwrite; the provider plans its default as null on create and puts with overwrite.
    expect(api.put_rest_api_mode ?? 'overwrite').toBe('overwrite');
    // The document names the functions by the ARNs their names give, so Terraform knows it before apply.
    type Operation = {
      security: Record<string, string[]>[];
      'x-amazon-apigateway-integration': { uri: string; responseTransferMode?: string; timeoutInMillis: number };
    };
    const doc = JSON.parse(String(api.body)) as {
      paths: Record<string, Record<string, Operation>>;
      components: { securitySchemes: Record<string, { 'x-amazon-apigateway-authorizer'?: Record<string, unknown> }> };
      'x-amazon-apigateway-gateway-responses': Record<string, unknown>;
    };
    const streamed = Object.entries(doc.paths)
      .flatMap(([path, methods]) => Object.values(methods).map((op) => [path, op] as const))
      .filter(([, op]) => op['x-amazon-apigateway-integration'].responseTransferMode === 'STREAM');
    expect(streamed.map(([path]) => path).sort()).toEqual([
      '/v1/chat/completions',
      '/v1/routes/{route}/converse-stream',
    ]);
    for (const [, op] of streamed) {
      expect(op['x-amazon-apigateway-integration'].uri).toMatch(
        /^arn:aws:apigateway:us-east-1:lambda:path\/2021-11-15\/functions\/arn:aws:lambda:us-east-1:\d{12}:function:fm-prod-router-stream\/response-streaming-invocations$/,
      );
      expect(op['x-amazon-apigateway-integration'].timeoutInMillis).toBe(900000);
    }
    for (const op of Object.values(doc.paths).flatMap((m) => Object.values(m)))
      expect(op.security).toEqual([{ 'api-key-authorizer': [], api_key: [] }]);
    expect(doc.components.securitySchemes['api-key-authorizer']['x-amazon-apigateway-authorizer']).toMatchObject({
      type: 'request',
      identitySource: 'context.requestId',
      authorizerResultTtlInSeconds: 0,
    });
    expect(Object.keys(doc['x-amazon-apigateway-gateway-responses']).sort()).toEqual(['ACCESS_DENIED', 'UNAUTHORIZED']);
    // Both routers may be invoked by the API's stage: the permissions the deployment waits for.
    expect(
      after('aws_lambda_permission')
        .filter((p) => p.statement_id === 'AllowApiGatewayInvoke')
        .map((p) => p.principal),
    ).toEqual(['apigateway.amazonaws.com', 'apigateway.amazonaws.com']);
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
      'aws_iam_policy',
      'aws_iam_role_policy_attachment',
      'aws_api_gateway_account',
    ])
      expect(created).toContain(type);
    const buckets = json.planned_values.root_module.resources
      .filter((r) => r.type === 'aws_s3_bucket')
      .map((r) => r.values.bucket);
    // The evaluation jobs' bucket, the artifacts bucket, its replica in prod's SageMaker DR Region, and the state bucket.
    expect(buckets.sort()).toEqual([
      'fm-platform-evaluation-333333333333',
      'fm-platform-model-artifacts-333333333333',
      'fm-platform-model-artifacts-333333333333-us-west-2',
      'fm-platform-tfstate-333333333333',
    ]);
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

  describe('the audit of the real plan of prod fails closed', () => {
    const TODAY = '2026-11-29';
    const prodPlan = () => JSON.parse(readFileSync(results.get('prod')!.planJsonPath, 'utf8')) as TerraformPlanJson;
    const prodProject = () => loadProject({ only: ['prod'], today: TODAY });
    const rolesOf = (statements: readonly { role: string }[]) => new Set(statements.map((s) => s.role));

    it('sees every role and statement the synthesized stack has, though most policies are known only after apply', () => {
      const plan = prodPlan();
      const policies = (plan.resource_changes ?? []).filter((rc) => rc.type === 'aws_iam_role_policy');
      const unknown = policies.filter((rc) => rc.change.after_unknown?.policy === true);
      expect(unknown.length).toBeGreaterThan(policies.length / 2);
      const synth = stackIamPolicies(synthStacks(prodProject().plans).get('prod'));
      const withPlan = runAudit({ only: ['prod'], planFile: results.get('prod')!.planJsonPath, today: TODAY });
      const synthOnly = runAudit({ only: ['prod'], today: TODAY });
      const [p, s] = [withPlan.environments[0], synthOnly.environments[0]];
      expect(p.unevaluated).toEqual([]);
      expect(p.permissions.length).toBe(synth.statements.length);
      expect(rolesOf(p.permissions)).toEqual(rolesOf(synth.statements));
      expect(rolesOf(p.permissions).size).toBe(new Set(policies.map((rc) => rc.change.after?.role)).size);
      // Both sides name roles by Terraform address and show the role name: they agree exactly.
      expect(p.permissions).toEqual(expect.arrayContaining([...s.permissions]));
      expect(s.permissions).toEqual(expect.arrayContaining([...p.permissions]));
      expect(p.modelAccess).toEqual(s.modelAccess);
      expect(p.permissions.find((x) => x.role.startsWith('aws_iam_role.Workflows_Role-code'))).toMatchObject({
        roleName: 'fm-prod-route-code-role',
      });
      expect(p.gates.filter((g) => g.status === 'fail')).toEqual([]);
    });

    it('fails wildcard-invoke for a wildcard grant the plan cannot show and the synthesized stack of the same commit has', () => {
      const project = prodProject();
      const stacks = synthStacks(project.plans);
      const stack = stacks.get('prod') as {
        resource: { aws_iam_role_policy: Record<string, { policy: string }> };
        data: { aws_iam_policy_document: Record<string, { statement: { actions: string[]; resources: string[] }[] }> };
      };
      const plan = prodPlan();
      const hidden = (plan.resource_changes ?? []).find(
        (rc) => rc.address.startsWith('aws_iam_role_policy.Workflows_Policy-chat') && rc.change.after_unknown?.policy,
      )!;
      const doc = /data\.aws_iam_policy_document\.([^.]+)\.json/.exec(
        stack.resource.aws_iam_role_policy[hidden.address.replace('aws_iam_role_policy.', '')].policy,
      )![1];
      stack.data.aws_iam_policy_document[doc].statement.push({ actions: ['bedrock:InvokeModel'], resources: ['*'] });
      const report = buildAudit(
        { project, issues: [], stacks },
        { today: TODAY, plan: { environment: 'prod', json: plan } },
      );
      expect(report.passed).toBe(false);
      expect(report.environments[0].gates.filter((g) => g.status === 'fail')).toEqual([
        expect.objectContaining({
          gate: 'wildcard-invoke',
          subject: expect.stringMatching(/^aws_iam_role\.Workflows_Role-chat_/),
          message: expect.stringMatching(
            /^aws_iam_role\.Workflows_Role-chat_\w+ \(fm-prod-route-chat-role\) may invoke models on \*/,
          ),
        }),
      ]);
    });

    it('fails with "could not evaluate" for a role whose policy neither the plan nor the synthesized stack can show', () => {
      const plan = prodPlan();
      const router = (plan.resource_changes ?? []).find((rc) => rc.address.startsWith('aws_iam_role.Router_Role'))!;
      const extra = {
        address: 'aws_iam_role_policy.Added_Elsewhere',
        type: 'aws_iam_role_policy',
        mode: 'managed',
        change: {
          actions: ['create'],
          before: null,
          after: { name: 'added-elsewhere', role: 'fm-prod-router-role' },
          after_unknown: { policy: true },
        },
      };
      const report = buildAudit(
        { project: prodProject(), issues: [], stacks: synthStacks(prodProject().plans) },
        {
          today: TODAY,
          plan: { environment: 'prod', json: { ...plan, resource_changes: [...(plan.resource_changes ?? []), extra] } },
        },
      );
      const prod = report.environments[0];
      expect(report.passed).toBe(false);
      expect(prod.unevaluated).toEqual([
        {
          role: router.address,
          roleName: 'fm-prod-router-role',
          policy: 'aws_iam_role_policy.Added_Elsewhere',
          reason:
            'its policy is known only after apply in the plan, and the synthesized stack of this commit has no policy at that address',
        },
      ]);
      expect(prod.gates.filter((g) => g.status === 'fail')).toEqual([
        expect.objectContaining({
          gate: 'wildcard-invoke',
          subject: router.address,
          message: expect.stringMatching(/^could not evaluate aws_iam_role\.Router_Role_\w+ \(fm-prod-router-role\)/),
        }),
      ]);
    });

    it('reports no change against HEAD on the unchanged catalog, with and without --plan', () => {
      const planFile = results.get('prod')!.planJsonPath;
      for (const options of [{}, { planFile }]) {
        const report = runAudit({ only: ['prod'], base: 'HEAD', today: TODAY, ...options });
        expect(report.environments[0].changes).toMatchObject({
          routesAdded: [],
          retargeted: [],
          permissionsAdded: [],
          permissionsRemoved: [],
          risks: [],
          cost: { deltaUsd: 0 },
        });
      }
    });
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

  it('overrides every aliased provider too (a DR Region), with the same offline settings', () => {
    const providers = (offlineOverrides(['us-west-2'])['provider_override.tf.json'] as { provider: { aws: object[] } })
      .provider.aws;
    expect(providers).toHaveLength(2);
    expect(providers[1]).toMatchObject({
      alias: 'us-west-2',
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      allowed_account_ids: null,
    });
    expect(providers[0]).not.toHaveProperty('alias');
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
