import type { EnvironmentPlan } from '../../catalog';
import { formatPreflight, preflight, type CheckResult } from '../../preflight/checks';
import { AwsAccountSim } from '../../sim/aws-account';
import { healthyAccount, simClients } from '../support/aws-account';
import { spawn } from 'node:child_process';
import { projectRoot } from '../../catalog/paths';
import { cliPath } from '../support/cli';
import { planFor } from '../stacks/synth-environment';
import { customModelIn, customModelPlan } from '../support/bedrock-custom';

const prod = planFor('prod');
const dev = planFor('dev');

/** The command as a user runs it, asynchronously: the simulated account answers from this process. */
function runPreflight(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath('preflight'), ...args], { cwd: projectRoot, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs preflight for a plan against a simulated account, changed by `alter` from a healthy one. */
async function run(plan: EnvironmentPlan, alter: (sim: AwsAccountSim) => void = () => {}): Promise<CheckResult[]> {
  const sim = new AwsAccountSim(healthyAccount(plan));
  alter(sim);
  await sim.listen();
  try {
    return await preflight(plan, simClients(sim, plan));
  } finally {
    await sim.close();
  }
}

const failures = (results: readonly CheckResult[]) => results.filter((r) => !r.ok);
const only = (results: readonly CheckResult[], id: string) => {
  const found = results.filter((r) => r.id === id);
  expect(found.length).toBeGreaterThan(0);
  return found;
};

describe('preflight', () => {
  it('passes every check on a bootstrapped account with its quotas and model access', async () => {
    const results = await run(prod);
    expect(failures(results)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual([
      'credentials',
      'state-bucket',
      'api-gateway-logging',
      'lambda-concurrency',
      'sagemaker-quota',
      'sagemaker-quota',
      ...prod.models
        .filter((m) => m.hosting.type === 'bedrock')
        .map((m) => `bedrock:${(m.hosting as { modelId: string }).modelId}`),
      'appconfig-idle',
    ]);
    expect(only(results, 'lambda-concurrency')[0].detail).toBe(
      'reserving 200 leaves 800 unreserved of 1000 (at least 100 must stay)',
    );
    // prod's SageMaker model has its DR endpoint in us-west-2: that Region's quota is checked too.
    expect(only(results, 'sagemaker-quota').map((r) => r.detail)).toEqual([
      'ml.g5.2xlarge for endpoint usage: 4, a blue/green update needs 4',
      'ml.g5.2xlarge for endpoint usage in us-west-2: 4, a blue/green update needs 4',
    ]);
    expect(formatPreflight(prod, results)).toMatch(/\nall \d+ checks passed: ready for npx cdktf deploy prod$/);
  });

  it('fails on credentials of another account', async () => {
    const [r] = only(await run(prod, (s) => (s.state.account = '111111111111')), 'credentials');
    expect(r).toEqual({
      id: 'credentials',
      ok: false,
      detail: 'the credentials are for account 111111111111, but prod deploys to 333333333333',
      fix: 'use credentials of account 333333333333, e.g. assume arn:aws:iam::333333333333:role/fm-platform-deploy-prod (check with: aws sts get-caller-identity)',
    });
  });

  it('fails when the state bucket is missing, unversioned or locked', async () => {
    const missing = only(await run(prod, (s) => (s.state.buckets = {})), 'state-bucket')[0];
    expect(missing).toMatchObject({
      ok: false,
      detail: 'state bucket fm-platform-tfstate-333333333333 does not exist',
      fix: 'create it: npx cdktf deploy bootstrap-333333333333 (README: Set up a new account)',
    });
    const unversioned = only(
      await run(prod, (s) => (s.state.buckets['fm-platform-tfstate-333333333333'].versioning = 'Suspended')),
      'state-bucket',
    )[0];
    expect(unversioned.ok).toBe(false);
    expect(unversioned.detail).toContain('is not versioned (Suspended)');
    expect(unversioned.fix).toContain('--versioning-configuration Status=Enabled');
    const locked = only(
      await run(prod, (s) =>
        s.state.buckets['fm-platform-tfstate-333333333333'].objects?.push('fm-platform/prod.tfstate.tflock'),
      ),
      'state-bucket',
    )[0];
    expect(locked).toMatchObject({
      ok: false,
      detail:
        's3://fm-platform-tfstate-333333333333/fm-platform/prod.tfstate.tflock exists: another run holds the state lock, or one died holding it',
    });
    expect(locked.fix).toContain('terraform force-unlock');
  });

  it("fails when API Gateway's CloudWatch role is not set in the Region", async () => {
    const [r] = only(await run(prod, (s) => (s.state.apiGatewayCloudWatchRoleArn = {})), 'api-gateway-logging');
    expect(r.ok).toBe(false);
    expect(r.detail).toContain('CloudWatch Logs role ARN must be set in account settings to enable logging');
    expect(r.fix).toBe(
      'npx cdktf deploy bootstrap-333333333333 (it sets aws_api_gateway_account), or: aws apigateway update-account --region us-east-1 --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role arn>',
    );
  });

  it("fails on a new account's Lambda concurrency of 10, naming the quota to request, and counts the router's own reservation on a redeploy", async () => {
    const [r] = only(
      await run(
        prod,
        (s) => (s.state.lambda = { concurrentExecutions: 10, unreservedConcurrentExecutions: 10, reserved: {} }),
      ),
      'lambda-concurrency',
    );
    expect(r).toEqual({
      id: 'lambda-concurrency',
      ok: false,
      detail:
        "the router reserves 200, but only 10 of the account's 10 concurrent executions are unreserved and 100 must stay unreserved",
      fix: 'request a Lambda concurrency quota of at least 300: aws service-quotas request-service-quota-increase --region us-east-1 --service-code lambda --quota-code L-B99A9384 --desired-value 300 (or lower router.reservedConcurrency)',
    });
    const redeploy = only(
      await run(
        prod,
        (s) =>
          (s.state.lambda = {
            concurrentExecutions: 300,
            unreservedConcurrentExecutions: 100,
            reserved: { 'fm-prod-router': 200 },
          }),
      ),
      'lambda-concurrency',
    )[0];
    expect(redeploy).toMatchObject({
      ok: true,
      detail: 'reserving 200 leaves 100 unreserved of 300 (at least 100 must stay)',
    });
  });

  it('fails when the SageMaker quota does not cover twice the blue/green fleet', async () => {
    const [r, dr] = only(await run(prod, (s) => (s.state.quotas[0].value = 2)), 'sagemaker-quota');
    expect(dr.ok).toBe(true);
    expect(r).toEqual({
      id: 'sagemaker-quota',
      ok: false,
      detail: 'ml.g5.2xlarge for endpoint usage is 2, but a blue/green update runs old and new fleets together: 4',
      fix: 'aws service-quotas request-service-quota-increase --region us-east-1 --service-code sagemaker --quota-code L-SIM0 --desired-value 4',
    });
    // The DR Region's quota is its own: only us-west-2's is short here, and its fix names that Region.
    const [primary, drShort] = only(
      await run(prod, (s) => {
        const q = s.state.quotas.find((x) => x.region === 'us-west-2');
        if (q) q.value = 0;
      }),
      'sagemaker-quota',
    );
    expect(primary.ok).toBe(true);
    expect(drShort).toMatchObject({
      ok: false,
      detail:
        'ml.g5.2xlarge for endpoint usage in us-west-2 is 0, but a blue/green update runs old and new fleets together: 4',
      fix: 'aws service-quotas request-service-quota-increase --region us-west-2 --service-code sagemaker --quota-code L-SIM0 --desired-value 4',
    });
    const unlisted = only(await run(prod, (s) => (s.state.quotas = [])), 'sagemaker-quota')[0];
    expect(unlisted.fix).toBe(
      'request "ml.g5.2xlarge for endpoint usage" of 4 in the Service Quotas console: https://console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas?region=us-east-1',
    );
    expect(only(await run(dev), 'sagemaker-quota')[0]).toMatchObject({
      ok: true,
      detail: 'no SageMaker instance endpoints here',
    });
  });

  it('fails for a Bedrock model not granted, awaiting its agreement, not offered, or without its profile, per Region', async () => {
    const sonnet = 'anthropic.claude-sonnet-4-20250514-v1:0';
    const results = await run(prod, (s) => {
      const east2 = s.state.bedrock['us-east-2'];
      east2.models = east2.models.map((m) => (m.modelId === sonnet ? { ...m, authorized: false } : m));
      const west2 = s.state.bedrock['us-west-2'];
      west2.models = west2.models.map((m) => (m.modelId === sonnet ? { ...m, agreement: 'PENDING' } : m));
      s.state.bedrock['us-east-1'].profiles = s.state.bedrock['us-east-1'].profiles.filter((p) => !p.includes(sonnet));
    });
    const [r] = only(results, `bedrock:${sonnet}`);
    expect(r.ok).toBe(false);
    expect(r.detail).toBe(
      `access not granted in us-east-2; agreement PENDING in us-west-2; inference profile us.${sonnet} missing in us-east-1`,
    );
    expect(r.fix).toContain(
      'request model access: https://console.aws.amazon.com/bedrock/home?region=us-east-2#/modelaccess',
    );
    expect(r.fix).toContain(
      "accept the provider's terms (Anthropic models: submit the first-use form): https://console.aws.amazon.com/bedrock/home?region=us-west-2#/modelaccess",
    );
    // Only that model fails.
    expect(failures(results).map((f) => f.id)).toEqual([`bedrock:${sonnet}`]);
    const notOffered = await run(prod, (s) => {
      s.state.bedrock['us-west-2'].models = s.state.bedrock['us-west-2'].models.filter((m) => m.modelId !== sonnet);
    });
    expect(only(notOffered, `bedrock:${sonnet}`)[0].detail).toBe('not offered in us-west-2');
  });

  it("checks access to a Bedrock custom model's base model in its Region, though no route calls the base", async () => {
    const plan = customModelPlan('dev', (c) => {
      const custom = customModelIn(c);
      const h = custom.hosting;
      // A customization keeps its base's limits.
      custom.capabilities.contextWindowTokens = 128000;
      custom.capabilities.maxOutputTokens = 2048;
      if (h.type === 'bedrock-custom') {
        h.baseModel = 'llama-3-1-70b';
        delete h.customization?.baseModelIdentifier;
      }
    });
    const llama = 'meta.llama3-1-70b-instruct-v1:0';
    expect(plan.models.map((m) => m.id)).not.toContain('llama-3-1-70b');
    expect(only(await run(plan), `bedrock:${llama}`)[0]).toMatchObject({ ok: true });
    const denied = await run(plan, (s) => {
      const east1 = s.state.bedrock['us-east-1'];
      east1.models = east1.models.map((m) => (m.modelId === llama ? { ...m, authorized: false } : m));
    });
    expect(only(denied, `bedrock:${llama}`)[0]).toMatchObject({ ok: false, detail: 'access not granted in us-east-1' });
  });

  it('fails while an AppConfig deployment is in progress on the environment, and passes once it completed', async () => {
    const withDeployment = (state: 'DEPLOYING' | 'COMPLETE') => (s: AwsAccountSim) => {
      s.state.appconfig.applications = [
        {
          id: 'app1',
          name: 'fm-prod',
          environments: [{ id: 'env1', name: 'prod', deployments: [{ number: 7, state }] }],
        },
      ];
    };
    const [busy] = only(await run(prod, withDeployment('DEPLOYING')), 'appconfig-idle');
    expect(busy).toEqual({
      id: 'appconfig-idle',
      ok: false,
      detail:
        "deployment 7 on fm-prod/prod is DEPLOYING: AppConfig runs one at a time, so the apply's deployment would fail",
      fix: 'wait for it (aws appconfig get-deployment --application-id app1 --environment-id env1 --deployment-number 7), or stop it: aws appconfig stop-deployment --application-id app1 --environment-id env1 --deployment-number 7',
    });
    expect(only(await run(prod, withDeployment('COMPLETE')), 'appconfig-idle')[0]).toMatchObject({
      ok: true,
      detail: 'no deployment in progress on fm-prod/prod',
    });
  });

  it('fails a check it cannot ask, naming the call and who may make it', async () => {
    const [r] = only(await run(prod, (s) => s.denied.add('lambda')), 'lambda-concurrency');
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^lambda:GetAccountSettings failed: AccessDeniedException: not authorized to call lambda/);
    expect(r.fix).toContain('modules/bootstrap/deploy-permissions.ts');
  });

  it('runs as npm run preflight with the SDK endpoint variables, printing the fixes, and --json parses', async () => {
    const sim = new AwsAccountSim(healthyAccount(prod));
    await sim.listen();
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, ...sim.endpointVariables(), AWS_REGION: 'us-east-1' };
      delete env.AWS_PROFILE;
      const healthy = await runPreflight(['--env', 'prod', '--json'], env);
      // (On Node 20 the SDK prints its NodeVersionSupportWarning: a warning, not an error.)
      expect(healthy.stderr).not.toMatch(/error/i);
      expect(healthy.status).toBe(0);
      const report = JSON.parse(healthy.stdout) as { passed: boolean; account: string; checks: CheckResult[] };
      expect(report).toMatchObject({ passed: true, account: '333333333333' });
      expect(report.checks.length).toBeGreaterThan(6);
      sim.state.lambda = { concurrentExecutions: 10, unreservedConcurrentExecutions: 10, reserved: {} };
      sim.state.apiGatewayCloudWatchRoleArn = {};
      const unhealthy = await runPreflight(['--env', 'prod'], env);
      expect(unhealthy.status).toBe(1);
      expect(unhealthy.stdout).toContain('  FAIL  lambda-concurrency');
      expect(unhealthy.stdout).toContain('fix: request a Lambda concurrency quota of at least 300');
      expect(unhealthy.stdout).toMatch(/\n2 of \d+ checks failed: fix them before npx cdktf deploy prod\n$/);
      expect((await runPreflight([], env)).status).toBe(2);
    } finally {
      await sim.close();
    }
  });
});
