import { APIGatewayClient, GetAccountCommand } from '@aws-sdk/client-api-gateway';
import {
  AppConfigClient,
  ListApplicationsCommand,
  ListDeploymentsCommand,
  ListEnvironmentsCommand,
} from '@aws-sdk/client-appconfig';
import {
  BedrockClient,
  GetFoundationModelAvailabilityCommand,
  ListFoundationModelsCommand,
  paginateListInferenceProfiles,
} from '@aws-sdk/client-bedrock';
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetBucketVersioningCommand, HeadBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { paginateListServiceQuotas, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { EnvironmentPlan } from '../catalog';

/** One check's verdict: what was found, and on failure what to do. */
export interface CheckResult {
  readonly id: string;
  readonly ok: boolean;
  readonly detail: string;
  readonly fix?: string;
}

/** The SDK clients preflight calls; Bedrock per Region (its access is granted per Region). */
export interface PreflightClients {
  readonly sts: STSClient;
  readonly s3: S3Client;
  readonly apiGateway: APIGatewayClient;
  readonly lambda: LambdaClient;
  /** Service Quotas are Regional: the primary's, and a DR Region's for its SageMaker endpoints. */
  readonly serviceQuotas: (region: string) => ServiceQuotasClient;
  readonly appConfig: AppConfigClient;
  readonly bedrock: (region: string) => BedrockClient;
}

/** Clients in the environment's Region with the caller's credentials (the SDK's default chain). */
export function defaultClients(plan: EnvironmentPlan): PreflightClients {
  const config = { region: plan.region, maxAttempts: 2 };
  const bedrock = new Map<string, BedrockClient>();
  const quotas = new Map<string, ServiceQuotasClient>();
  return {
    sts: new STSClient(config),
    s3: new S3Client({ ...config, region: plan.stateBackend.region }),
    apiGateway: new APIGatewayClient(config),
    lambda: new LambdaClient(config),
    serviceQuotas: (region) => {
      let c = quotas.get(region);
      if (!c) quotas.set(region, (c = new ServiceQuotasClient({ region, maxAttempts: 2 })));
      return c;
    },
    appConfig: new AppConfigClient(config),
    bedrock: (region) => {
      let c = bedrock.get(region);
      if (!c) bedrock.set(region, (c = new BedrockClient({ region, maxAttempts: 2 })));
      return c;
    },
  };
}

/** Lambda keeps 100 unreserved concurrent executions per account (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html). */
export const LAMBDA_UNRESERVED_MINIMUM = 100;
/** The Service Quotas code of Lambda's concurrent executions (https://docs.aws.amazon.com/general/latest/gr/lambda-service.html). */
export const LAMBDA_CONCURRENCY_QUOTA = 'L-B99A9384';
/** AppConfig deployment states that block a new one: one deployment at a time per environment. */
const IN_PROGRESS = new Set(['BAKING', 'DEPLOYING', 'ROLLING_BACK', 'VALIDATING']);

const errorText = (err: unknown): string => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/** A check that could not ask AWS fails, naming the call and the permission it needs. */
async function guarded(
  id: string,
  call: string,
  run: () => Promise<CheckResult | CheckResult[]>,
): Promise<CheckResult[]> {
  try {
    const r = await run();
    return Array.isArray(r) ? r : [r];
  } catch (err) {
    return [
      {
        id,
        ok: false,
        detail: `${call} failed: ${errorText(err)}`,
        fix: `run preflight with credentials of the environment's account that may call ${call} (the deploy role may: modules/bootstrap/deploy-permissions.ts)`,
      },
    ];
  }
}

const isNotFound = (err: unknown) =>
  err instanceof Error && /NotFound|NoSuch/.test(err.name)
    ? true
    : (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;

export async function checkCredentials(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  return guarded('credentials', 'sts:GetCallerIdentity', async () => {
    const me = await c.sts.send(new GetCallerIdentityCommand({}));
    return me.Account === plan.account
      ? { id: 'credentials', ok: true, detail: `account ${plan.account} (${me.Arn ?? 'unknown caller'})` }
      : {
          id: 'credentials',
          ok: false,
          detail: `the credentials are for account ${me.Account ?? '?'}, but ${plan.name} deploys to ${plan.account}`,
          fix: `use credentials of account ${plan.account}, e.g. assume arn:aws:iam::${plan.account}:role/fm-platform-deploy-${plan.name} (check with: aws sts get-caller-identity)`,
        };
  });
}

export async function checkStateBucket(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  const { bucket, key } = plan.stateBackend;
  const bootstrap = `npx cdktf deploy bootstrap-${plan.account} (README: Set up a new account)`;
  return guarded('state-bucket', `s3:ListBucket on ${bucket}`, async () => {
    try {
      await c.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return {
        id: 'state-bucket',
        ok: false,
        detail: `state bucket ${bucket} does not exist`,
        fix: `create it: ${bootstrap}`,
      };
    }
    const versioning = await c.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
    if (versioning.Status !== 'Enabled')
      return {
        id: 'state-bucket',
        ok: false,
        detail: `state bucket ${bucket} is not versioned (${versioning.Status ?? 'never enabled'}): a bad apply could not be undone`,
        fix: `${bootstrap}, or: aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`,
      };
    try {
      await c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `${key}.tflock` }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return { id: 'state-bucket', ok: true, detail: `s3://${bucket}/${key}: versioned, lock file free` };
    }
    return {
      id: 'state-bucket',
      ok: false,
      detail: `s3://${bucket}/${key}.tflock exists: another run holds the state lock, or one died holding it`,
      fix: `wait for the other run; if none is running: terraform force-unlock <lock id> in cdktf.out/stacks/${plan.name}`,
    };
  });
}

export async function checkApiGatewayLogging(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  return guarded('api-gateway-logging', 'apigateway:GET /account', async () => {
    const account = await c.apiGateway.send(new GetAccountCommand({}));
    return account.cloudwatchRoleArn
      ? {
          id: 'api-gateway-logging',
          ok: true,
          detail: `CloudWatch role ${account.cloudwatchRoleArn} in ${plan.region}`,
        }
      : {
          id: 'api-gateway-logging',
          ok: false,
          detail: `API Gateway has no CloudWatch Logs role in ${plan.region}: the stage's access logs would fail ("CloudWatch Logs role ARN must be set in account settings to enable logging")`,
          fix: `npx cdktf deploy bootstrap-${plan.account} (it sets aws_api_gateway_account), or: aws apigateway update-account --region ${plan.region} --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role arn>`,
        };
  });
}

export async function checkLambdaConcurrency(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  return guarded('lambda-concurrency', 'lambda:GetAccountSettings', async () => {
    const settings = await c.lambda.send(new GetAccountSettingsCommand({}));
    const limit = settings.AccountLimit?.ConcurrentExecutions ?? 0;
    const unreserved = settings.AccountLimit?.UnreservedConcurrentExecutions ?? 0;
    // A redeploy: the router's own reservation is already counted out of the unreserved pool.
    let current = 0;
    try {
      const r = await c.lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: `fm-${plan.name}-router` }));
      current = r.ReservedConcurrentExecutions ?? 0;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const want = plan.router.reservedConcurrency;
    const available = unreserved + current;
    if (available - want >= LAMBDA_UNRESERVED_MINIMUM)
      return {
        id: 'lambda-concurrency',
        ok: true,
        detail: `reserving ${want} leaves ${available - want} unreserved of ${limit} (at least ${LAMBDA_UNRESERVED_MINIMUM} must stay)`,
      };
    const needed = limit - available + want + LAMBDA_UNRESERVED_MINIMUM;
    return {
      id: 'lambda-concurrency',
      ok: false,
      detail: `the router reserves ${want}, but only ${available} of the account's ${limit} concurrent executions are unreserved and ${LAMBDA_UNRESERVED_MINIMUM} must stay unreserved`,
      fix: `request a Lambda concurrency quota of at least ${needed}: aws service-quotas request-service-quota-increase --region ${plan.region} --service-code lambda --quota-code ${LAMBDA_CONCURRENCY_QUOTA} --desired-value ${needed} (or lower router.reservedConcurrency)`,
    };
  });
}

/** The instances a blue/green update runs at once, per instance type: the old fleet and the new. */
export function sagemakerInstancesNeeded(plan: EnvironmentPlan): Map<string, Map<string, number>> {
  const needed = new Map<string, Map<string, number>>();
  const add = (region: string, type: string, count: number) => {
    const inRegion = needed.get(region) ?? new Map<string, number>();
    inRegion.set(type, (inRegion.get(type) ?? 0) + count);
    needed.set(region, inRegion);
  };
  for (const m of plan.models) {
    if (m.hosting.type !== 'sagemaker' || m.hosting.capacity.mode !== 'instances') continue;
    const { instanceType, instanceCount } = m.hosting.capacity;
    add(m.hosting.region, instanceType, 2 * instanceCount);
    // The DR endpoint is the same fleet in its own Region, under that Region's quota.
    if (m.hosting.disasterRecovery) add(m.hosting.disasterRecovery.region, instanceType, 2 * instanceCount);
  }
  return needed;
}

export async function checkSagemakerQuotas(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  const needed = sagemakerInstancesNeeded(plan);
  if (needed.size === 0) return [{ id: 'sagemaker-quota', ok: true, detail: 'no SageMaker instance endpoints here' }];
  const results: CheckResult[] = [];
  for (const [region, types] of needed) {
    // Quota names say nothing of the Region: a DR Region's line names it.
    const where = region === plan.region ? '' : ` in ${region}`;
    results.push(
      ...(await guarded('sagemaker-quota', 'servicequotas:ListServiceQuotas', async () => {
        const quotas = new Map<string, { code: string; value: number }>();
        const client = c.serviceQuotas(region);
        for await (const page of paginateListServiceQuotas({ client }, { ServiceCode: 'sagemaker' }))
          for (const q of page.Quotas ?? [])
            if (q.QuotaName && q.QuotaCode) quotas.set(q.QuotaName, { code: q.QuotaCode, value: q.Value ?? 0 });
        return [...types].map(([type, count]): CheckResult => {
          const name = `${type} for endpoint usage`;
          const q = quotas.get(name);
          if (q && q.value >= count)
            return {
              id: 'sagemaker-quota',
              ok: true,
              detail: `${name}${where}: ${q.value}, a blue/green update needs ${count}`,
            };
          return {
            id: 'sagemaker-quota',
            ok: false,
            detail: `${name}${where} is ${q?.value ?? 'not listed'}, but a blue/green update runs old and new fleets together: ${count}`,
            fix: q
              ? `aws service-quotas request-service-quota-increase --region ${region} --service-code sagemaker --quota-code ${q.code} --desired-value ${count}`
              : `request "${name}" of ${count} in the Service Quotas console: https://console.aws.amazon.com/servicequotas/home/services/sagemaker/quotas?region=${region}`,
          };
        });
      })),
    );
  }
  return results;
}

/** Where each Bedrock model of the plan is called: the Regions it must be offered and granted in, and the profiles it is called through. */
export function bedrockNeeds(
  plan: EnvironmentPlan,
): { modelId: string; regions: string[]; profiles: { id: string; region: string }[] }[] {
  const needs = plan.models.flatMap((m) => {
    if (m.hosting.type !== 'bedrock') return [];
    const regions = new Set<string>();
    const profiles: { id: string; region: string }[] = [];
    for (const inv of m.hosting.invocations) {
      if (inv.profile) {
        profiles.push({ id: inv.invokeId, region: inv.region });
        for (const r of inv.profile.destinationRegions) regions.add(r);
      } else regions.add(inv.region);
    }
    return [{ modelId: m.hosting.modelId, regions: [...regions].sort(), profiles }];
  });
  // A Bedrock custom model is trained from and served as its base model, in its one Region: the account
  // needs access to the base there (a base the routes also call is checked once, with its own Regions).
  for (const m of plan.models) {
    if (m.hosting.type !== 'bedrock-custom') continue;
    const { baseModel, region } = m.hosting;
    const known = needs.find((n) => n.modelId === baseModel.modelId);
    if (known === undefined) needs.push({ modelId: baseModel.modelId, regions: [region], profiles: [] });
    else if (!known.regions.includes(region)) known.regions = [...known.regions, region].sort();
  }
  return needs;
}

export async function checkBedrockAccess(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  const needs = bedrockNeeds(plan);
  const listed = new Map<string, Promise<Map<string, string>>>();
  const modelsIn = (region: string) => {
    let p = listed.get(region);
    if (!p) {
      p = c
        .bedrock(region)
        .send(new ListFoundationModelsCommand({}))
        .then(
          (r) => new Map((r.modelSummaries ?? []).map((s) => [s.modelId ?? '', s.modelLifecycle?.status ?? 'ACTIVE'])),
        );
      listed.set(region, p);
    }
    return p;
  };
  const profilesListed = new Map<string, Promise<Set<string>>>();
  const profilesIn = (region: string) => {
    let p = profilesListed.get(region);
    if (!p) {
      p = (async () => {
        const ids = new Set<string>();
        for await (const page of paginateListInferenceProfiles(
          { client: c.bedrock(region) },
          { typeEquals: 'SYSTEM_DEFINED' },
        ))
          for (const s of page.inferenceProfileSummaries ?? []) if (s.inferenceProfileId) ids.add(s.inferenceProfileId);
        return ids;
      })();
      profilesListed.set(region, p);
    }
    return p;
  };
  const results: CheckResult[] = [];
  for (const need of needs) {
    const id = `bedrock:${need.modelId}`;
    results.push(
      ...(await guarded(
        id,
        'bedrock:ListFoundationModels / GetFoundationModelAvailability / ListInferenceProfiles',
        async () => {
          // Each problem with the Regions it occurs in, and its fix: one line per kind of problem.
          const problems = new Map<string, { regions: string[]; fix?: (regions: string[]) => string }>();
          const note = (problem: string, region: string, fix?: (regions: string[]) => string) => {
            const p = problems.get(problem) ?? { regions: [], fix };
            p.regions.push(region);
            problems.set(problem, p);
          };
          const consoleAt = (regions: string[]) =>
            `https://console.aws.amazon.com/bedrock/home?region=${regions[0]}#/modelaccess${regions.length > 1 ? ` (and the same page in ${regions.slice(1).join(', ')})` : ''}`;
          for (const region of need.regions) {
            const offered = await modelsIn(region);
            if (!offered.has(need.modelId)) {
              note(
                'not offered',
                region,
                (rs) => `remove ${rs.join(', ')} from the model's regions or the environment's failoverRegions`,
              );
              continue;
            }
            let a;
            try {
              a = await c.bedrock(region).send(new GetFoundationModelAvailabilityCommand({ modelId: need.modelId }));
            } catch (err) {
              if (!isNotFound(err)) throw err;
              note('unknown', region);
              continue;
            }
            if (a.authorizationStatus !== 'AUTHORIZED')
              note('access not granted', region, (rs) => `request model access: ${consoleAt(rs)}`);
            else if (a.agreementAvailability?.status !== 'AVAILABLE')
              note(
                `agreement ${a.agreementAvailability?.status ?? 'missing'}`,
                region,
                (rs) => `accept the provider's terms (Anthropic models: submit the first-use form): ${consoleAt(rs)}`,
              );
            else if (a.regionAvailability !== 'AVAILABLE' || a.entitlementAvailability !== 'AVAILABLE')
              note('not available to this account', region, (rs) => `check the model's availability: ${consoleAt(rs)}`);
          }
          for (const p of need.profiles) {
            if (!(await profilesIn(p.region)).has(p.id))
              note(
                `inference profile ${p.id} missing`,
                p.region,
                (rs) =>
                  `check the profile's geography in model-catalog.json (aws bedrock list-inference-profiles --region ${rs[0]})`,
              );
          }
          const via = need.profiles.length ? ` (via ${[...new Set(need.profiles.map((p) => p.id))].join(', ')})` : '';
          if (problems.size === 0)
            return { id, ok: true, detail: `available and granted in ${need.regions.join(', ')}${via}` };
          const all = [...problems];
          return {
            id,
            ok: false,
            detail: all.map(([problem, p]) => `${problem} in ${p.regions.join(', ')}`).join('; '),
            fix: all.flatMap(([, p]) => (p.fix ? [p.fix(p.regions)] : [])).join('; '),
          };
        },
      )),
    );
  }
  return results;
}

export async function checkAppConfigIdle(plan: EnvironmentPlan, c: PreflightClients): Promise<CheckResult[]> {
  const appName = `fm-${plan.name}`;
  return guarded('appconfig-idle', 'appconfig:ListApplications / ListEnvironments / ListDeployments', async () => {
    const apps = await c.appConfig.send(new ListApplicationsCommand({}));
    const app = apps.Items?.find((a) => a.Name === appName);
    if (!app?.Id) return { id: 'appconfig-idle', ok: true, detail: `no application ${appName} yet (first deploy)` };
    const envs = await c.appConfig.send(new ListEnvironmentsCommand({ ApplicationId: app.Id }));
    const env = envs.Items?.find((e) => e.Name === plan.name);
    if (!env?.Id) return { id: 'appconfig-idle', ok: true, detail: `no environment ${plan.name} in ${appName} yet` };
    const deployments = await c.appConfig.send(
      new ListDeploymentsCommand({ ApplicationId: app.Id, EnvironmentId: env.Id }),
    );
    const busy = deployments.Items?.find((d) => IN_PROGRESS.has(d.State ?? ''));
    if (!busy)
      return { id: 'appconfig-idle', ok: true, detail: `no deployment in progress on ${appName}/${plan.name}` };
    return {
      id: 'appconfig-idle',
      ok: false,
      detail: `deployment ${busy.DeploymentNumber ?? '?'} on ${appName}/${plan.name} is ${busy.State ?? '?'}: AppConfig runs one at a time, so the apply's deployment would fail`,
      fix: `wait for it (aws appconfig get-deployment --application-id ${app.Id} --environment-id ${env.Id} --deployment-number ${busy.DeploymentNumber ?? '?'}), or stop it: aws appconfig stop-deployment --application-id ${app.Id} --environment-id ${env.Id} --deployment-number ${busy.DeploymentNumber ?? '?'}`,
    };
  });
}

/** Every check, in the order a first deploy meets them. */
export const CHECKS = [
  checkCredentials,
  checkStateBucket,
  checkApiGatewayLogging,
  checkLambdaConcurrency,
  checkSagemakerQuotas,
  checkBedrockAccess,
  checkAppConfigIdle,
] as const;

/** Runs every check against the environment's account; never throws for an AWS answer. */
export async function preflight(
  plan: EnvironmentPlan,
  clients: PreflightClients = defaultClients(plan),
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of CHECKS) results.push(...(await check(plan, clients)));
  return results;
}

/** The report as people read it: one line per check, the fix under each failure, a closing verdict. */
export function formatPreflight(plan: EnvironmentPlan, results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.id.length));
  const lines = [`preflight ${plan.name} (account ${plan.account}, ${plan.region})`];
  for (const r of results) {
    lines.push(`  ${r.ok ? 'ok  ' : 'FAIL'}  ${r.id.padEnd(width)}  ${r.detail}`);
    if (!r.ok && r.fix) lines.push(`        ${' '.repeat(width)}  fix: ${r.fix}`);
  }
  const failed = results.filter((r) => !r.ok).length;
  lines.push(
    failed === 0
      ? `all ${results.length} checks passed: ready for npx cdktf deploy ${plan.name}`
      : `${failed} of ${results.length} checks failed: fix them before npx cdktf deploy ${plan.name}`,
  );
  return lines.join('\n');
}
