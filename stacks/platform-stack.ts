import { Lazy, S3Backend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentPlan, PlannedApplicationProfile } from '../catalog';
import { routingTableWithProfiles } from '../catalog/routing-table';
import { projectRoot } from '../catalog/paths';
import { withDeployedTargets, type DeployedTargets } from '../contracts/routing-table';
import { provisionHosting } from '../hosting/provision';
import { drRegionsOf } from '../hosting/sagemaker/dr';
import { PlatformApi } from '../modules/api/platform-api';
import { RoutingConfig } from '../modules/appconfig/routing-config';
import { ApplicationInferenceProfile } from '../modules/bedrock/application-profile';
import { CacheTable } from '../modules/cache-table/cache-table';
import { CircuitTable } from '../modules/circuit-table/circuit-table';
import { EnvironmentKey } from '../modules/kms/environment-key';
import { SpendLedgerTable } from '../modules/spend-ledger/spend-ledger-table';
import { PlatformAlarms } from '../modules/monitoring/platform-alarms';
import { PlatformDashboard } from '../modules/monitoring/dashboard';
import { BudgetAlarms } from '../modules/monitoring/budget-alarms';
import { RouterFunction, streamingTwinName } from '../modules/router/router-function';
import { MAX_ROUTER_TIMEOUT_SECONDS } from '../modules/router/validate';
import { ResilienceWorkflows } from '../modules/workflows/resilience-workflows';
import { workflowCandidate, type WorkflowCandidate } from '../workflows/candidates';
import { probeTargets, recoveryWorkflowDefinition } from '../workflows/recovery-workflow';
import { routeWorkflowDefinition } from '../workflows/route-workflow';

export interface PlatformStackProps {
  /** The resolved environment: every resource of the stack derives from it. */
  readonly plan: EnvironmentPlan;
  /** The router's entry point. @default functions/router/index.ts */
  readonly routerEntry?: string;
  /** The routing-table schema attached to the AppConfig profile. @default schemas/routing-table.schema.json */
  readonly routingTableSchemaPath?: string;
  /** Where the router's zip package is written before cdktf copies it. @default - a folder under the OS temp dir */
  readonly bundleDir?: string;
}

/** Seconds the router may run: a little above the slowest route's latency budget, within API Gateway's 29 s. */
export function routerTimeoutSeconds(plan: EnvironmentPlan): number {
  const budgetMs = Math.max(...plan.routes.map((r) => r.resilience.latencyBudgetMs));
  return Math.min(MAX_ROUTER_TIMEOUT_SECONDS, Math.ceil(budgetMs / 1000) + 1);
}

/** An AWS provider alias for each Region the plan puts SageMaker DR endpoints in, by Region. */
function drProviders(scope: Construct, plan: EnvironmentPlan): Map<string, AwsProvider> {
  return new Map(
    drRegionsOf(plan).map((region) => [
      region,
      new AwsProvider(scope, `aws-${region}`, {
        alias: region,
        region,
        allowedAccountIds: [plan.account],
        defaultTags: [{ tags: { ...plan.tags } }],
      }),
    ]),
  );
}

/** The key of a profile among the stack's: route, model and consumer. */
const profileKey = (route: string, model: string, consumer?: string): string => `${route}/${model}/${consumer ?? ''}`;

/**
 * The plan's application inference profiles (cost allocation), each with its ARN: a Terraform
 * reference, known only after apply. All are in the primary Region (the stack's default provider).
 */
function applicationProfiles(
  scope: Construct,
  plan: EnvironmentPlan,
): Map<string, { profile: PlannedApplicationProfile; arn: string }> {
  const out = new Map<string, { profile: PlannedApplicationProfile; arn: string }>();
  if (plan.applicationProfiles.length === 0) return out;
  const group = new Construct(scope, 'ApplicationProfiles');
  for (const profile of plan.applicationProfiles) {
    const construct = new ApplicationInferenceProfile(group, profile.name, {
      profileName: profile.name,
      copyFromArn: profile.copyFrom,
      tags: profile.tags,
    });
    out.set(profileKey(profile.route, profile.model, profile.consumer), { profile, arn: construct.profileArn });
  }
  return out;
}

/** The whole platform of one environment. One instance per environment file, each with its own state. */
export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { plan } = props;
    const prefix = `fm-${plan.name}`;

    new AwsProvider(this, 'aws', {
      region: plan.region,
      allowedAccountIds: [plan.account],
      defaultTags: [{ tags: { ...plan.tags } }],
    });

    new S3Backend(this, {
      bucket: plan.stateBackend.bucket,
      key: plan.stateBackend.key,
      region: plan.stateBackend.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig predates the option.
    this.addOverride('terraform.backend.s3.use_lockfile', true);

    // Operations: the environment key.
    const key = new EnvironmentKey(this, 'Key', { environment: plan.name, account: plan.account, region: plan.region });

    // Circuit state, shared by the router and the resilience workflows.
    const circuits = new CircuitTable(this, 'CircuitTable', {
      tableName: `${prefix}-circuits`,
      kmsKeyArn: key.keyArn,
      region: plan.region,
    });

    // The response cache, only where some route caches (the catalog's `cache` on a route).
    const cache = plan.routes.some((r) => r.cache !== undefined)
      ? new CacheTable(this, 'CacheTable', { tableName: `${prefix}-cache`, kmsKeyArn: key.keyArn, region: plan.region })
      : undefined;

    // Cost allocation: the tagged application inference profiles the router and the workflows call.
    const profiles = applicationProfiles(this, plan);
    const profileArnsByModel = new Map<string, string[]>();
    for (const { profile, arn } of profiles.values())
      profileArnsByModel.set(profile.model, [...(profileArnsByModel.get(profile.model) ?? []), arn]);

    // The consumers' spend ledger, only where some consumer has limits (api.consumers[].limits).
    const ledger = plan.api.consumers.some((c) => (c.limits ?? []).length > 0)
      ? new SpendLedgerTable(this, 'SpendLedger', {
          tableName: `${prefix}-spend`,
          kmsKeyArn: key.keyArn,
          region: plan.region,
        })
      : undefined;

    // The router. AppConfig names are fixed strings, so the function does not wait for AppConfig.
    const appConfigNames = { application: prefix, environment: plan.name, profile: 'routing-table' };
    const router = new RouterFunction(this, 'Router', {
      functionName: `${prefix}-router`,
      entry: props.routerEntry ?? join(projectRoot, 'functions', 'router', 'index.ts'),
      routingTableJson: JSON.stringify(plan.routingTable),
      region: plan.region,
      environmentName: plan.name,
      appConfig: { ...appConfigNames, pollIntervalSeconds: plan.appConfig.pollIntervalSeconds },
      circuitTableName: circuits.tableName,
      ...(cache ? { cacheTableName: cache.tableName } : {}),
      ...(ledger ? { spendTableName: ledger.tableName } : {}),
      memoryMb: plan.router.memoryMb,
      reservedConcurrency: plan.router.reservedConcurrency,
      timeoutSeconds: routerTimeoutSeconds(plan),
      kmsKeyArn: key.keyArn,
      logRetentionDays: plan.logs.retentionDays,
      packageDir: props.bundleDir,
      bundleCacheDir: join(projectRoot, 'dist', 'router'),
      streamingUrl: true,
    });

    const api = new PlatformApi(this, 'Api', {
      apiName: `${prefix}-api`,
      region: plan.region,
      account: plan.account,
      handler: { functionName: `${prefix}-router`, functionArn: router.functionArn },
      streamingHandler: {
        functionName: streamingTwinName(`${prefix}-router`),
        functionArn: router.streamingFunctionArn!,
      },
      throttle: plan.api.throttle,
      consumers: plan.api.consumers,
      authorizer: {
        functionName: `${prefix}-authorizer`,
        entry: join(projectRoot, 'functions', 'authorizer', 'index.ts'),
        bundleCacheDir: join(projectRoot, 'dist', 'authorizer'),
        packageDir: props.bundleDir ?? join(tmpdir(), 'fm-platform-authorizer'),
      },
      kmsKeyArn: key.keyArn,
      logRetentionDays: plan.logs.retentionDays,
      waf: plan.api.waf.enabled,
    });

    const alarms = new PlatformAlarms(this, 'Alarms', {
      namePrefix: prefix,
      environment: plan.name,
      apiName: api.apiName,
      stageName: api.stageName,
      functionName: `${prefix}-router`,
      streamingFunctionName: streamingTwinName(`${prefix}-router`),
      p99LatencyMs: Math.max(...plan.routes.map((r) => r.resilience.latencyBudgetMs)),
    });

    // A budget alarm per consumer, at its budget's soft threshold (else at the budget itself).
    const budgets = new BudgetAlarms(this, 'BudgetAlarms', {
      namePrefix: prefix,
      environment: plan.name,
      budgets: plan.api.consumers.flatMap((c) =>
        (c.limits ?? [])
          .filter((l) => l.limit === 'monthlyBudgetUsd' && l.route === undefined && l.model === undefined)
          .map((l) => ({ consumer: c.name, alarmAtUsd: l.soft ?? l.hard, budgetUsd: l.hard })),
      ),
    });

    // The routing table in AppConfig, with each route's application inference profiles: their ARNs exist
    // only after apply, so the content carries Terraform references that apply fills in. The copy baked
    // into the router bundle (above) is the plan's table without them: a router that cannot reach
    // AppConfig at a cold start calls the system profiles, and that spend shows untagged, under the model.
    // A deployment rolls back on the router's server-error rate and the
    // API's 5xx rate (what a table that breaks every request raises: the router answers a failure as a
    // 5xx response, which Lambda's Errors does not count), on Lambda errors (crashes, timeouts) and on
    // the fallback rate, and on a table the router refuses (which raises no error rate: the router keeps
    // the table it had). AppConfig takes at most five monitors.
    // https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-creating-environment.html
    // Its content is the plan's table with the targets Terraform knows only after apply written in as
    // references (a Bedrock custom model's provisioned model ARN): Terraform creates the version once
    // they exist, so AppConfig serves real ARNs. The hosting kinds report them below, hence the Lazy.
    let deployedTargets: DeployedTargets = {};
    const routing = new RoutingConfig(this, 'RoutingConfig', {
      applicationName: appConfigNames.application,
      environmentName: appConfigNames.environment,
      profileName: appConfigNames.profile,
      contentJson: Lazy.stringValue({
        produce: () =>
          JSON.stringify(
            routingTableWithProfiles(
              withDeployedTargets(plan.routingTable, deployedTargets),
              plan.applicationProfiles,
              (p) => {
                const made = profiles.get(profileKey(p.route, p.model, p.consumer));
                if (made === undefined)
                  throw new Error(`internal error: no application profile ${p.name} in the stack`);
                return made.arn;
              },
            ),
          ),
      }),
      validatorSchemaJson: readFileSync(
        props.routingTableSchemaPath ?? join(projectRoot, 'schemas', 'routing-table.schema.json'),
        'utf8',
      ),
      rollout: plan.appConfig.deployment,
      alarmArns: [
        alarms.routerServerErrorRate.arn,
        alarms.api5xxRate.arn,
        alarms.routerErrors.arn,
        alarms.fallbackRate.arn,
        alarms.routingTableRejected.arn,
      ],
      account: plan.account,
      region: plan.region,
    });

    // What each hosting kind needs (SageMaker endpoints ...). Permissions: the router may do exactly
    // what the plan says, each grant next to its resource.
    const role = router.role;
    const hosted = provisionHosting(this, {
      plan,
      kmsKeyArn: key.keyArn,
      routerRole: role,
      applicationProfileArns: profileArnsByModel,
      regionProviders: drProviders(this, plan),
      functionBuild: { projectRoot, packageDir: props.bundleDir ?? join(tmpdir(), 'fm-platform-functions') },
    });
    deployedTargets = hosted.deployedTargets ?? {};
    // The baked copy was resolved before those targets existed: the router writes them over it at a cold
    // start without AppConfig (FM_DEPLOYED_TARGETS), so it calls the same ARNs AppConfig would give.
    if (Object.keys(deployedTargets).length > 0) router.setDeployedTargets(JSON.stringify(deployedTargets));
    routing.grantRead(role);
    circuits.grantReadWrite(role);
    cache?.grantReadWrite(role);
    ledger?.grantLeases(role);
    key.grantDecrypt(role);
    if (api.authorizerRole) key.grantDecrypt(api.authorizerRole);

    // The circuit-breaker workflows, generated per route from the plan (workflows/route-workflow.ts, workflows/recovery-workflow.ts).
    // TableName takes the table's ARN (DynamoDB accepts either). The ARN is unknown until apply, which also keeps
    // the provider's plan-time ValidateStateMachineDefinition call (an AWS API call) out of the offline plan.
    // A route's workflow calls its application inference profile of each model (the route's own, no consumer).
    const routeProfileArn = (routeId: string, modelId: string) => profiles.get(profileKey(routeId, modelId))?.arn;
    const workflowTargets = {
      circuitTableName: circuits.tableArn,
      routerFunctionArn: router.functionArn,
      applicationProfileArn: routeProfileArn,
    };
    const bedrockCalls = (candidates: readonly WorkflowCandidate[], routeId?: string) =>
      candidates.flatMap((c) => {
        if (c.via !== 'invoke-model') return [];
        const app = routeId === undefined ? undefined : routeProfileArn(routeId, c.modelId);
        return [
          {
            profileArn: c.profileArn,
            foundationModelArns: c.foundationModelArns,
            ...(app !== undefined ? { applicationProfileArns: [app] } : {}),
          },
        ];
      });
    const workflows = new ResilienceWorkflows(this, 'Workflows', {
      namePrefix: prefix,
      account: plan.account,
      region: plan.region,
      routes: plan.routes.map((r) => {
        const candidates = r.candidates.map((m) => workflowCandidate(plan, m));
        return {
          routeId: r.id,
          definitionJson: JSON.stringify(routeWorkflowDefinition(plan, r.id, workflowTargets)),
          bedrockInvocations: bedrockCalls(candidates, r.id),
          invokesRouter: candidates.some((c) => c.via === 'router'),
        };
      }),
      recovery: {
        definitionJson: JSON.stringify(recoveryWorkflowDefinition(plan, workflowTargets)),
        bedrockInvocations: bedrockCalls(probeTargets(plan).map((t) => workflowCandidate(plan, t.model))),
      },
      circuitTableArn: circuits.tableArn,
      routerFunctionArn: router.functionArn,
      kmsKeyArn: key.keyArn,
      logRetentionDays: plan.logs.retentionDays,
      includeExecutionData: plan.router.logPromptText,
    });

    // Every log group the stack declares, and no other, may be encrypted with the environment key.
    key.allowLogGroups([
      router.logGroupName,
      ...(router.streamingLogGroupName !== undefined ? [router.streamingLogGroupName] : []),
      ...api.logGroupNames,
      workflows.logGroupName,
      ...hosted.logGroupNames,
    ]);

    new PlatformDashboard(this, 'Dashboard', {
      dashboardName: prefix,
      region: plan.region,
      environment: plan.name,
      routes: plan.routes.map((r) => r.id),
      apiName: api.apiName,
      stageName: api.stageName,
      functionName: `${prefix}-router`,
      endpointNames: hosted.dashboardEndpointNames,
      consumers: plan.api.consumers.map((c) => c.name),
      alarmArns: [
        alarms.api5xxRate.arn,
        alarms.apiLatencyP99.arn,
        alarms.routerErrors.arn,
        alarms.routerThrottles.arn,
        alarms.fallbackRate.arn,
        alarms.routerServerErrorRate.arn,
        alarms.routingTableRejected.arn,
        ...[...budgets.alarms.values()].map((a) => a.arn),
      ],
    });

    new TerraformOutput(this, 'api_endpoint_url', { value: api.invokeUrl });
    new TerraformOutput(this, 'api_rest_api_id', { value: api.restApiId });
    new TerraformOutput(this, 'router_function_name', { value: router.functionName });
    new TerraformOutput(this, 'router_streaming_url', { value: router.streamingUrl ?? '' });
    new TerraformOutput(this, 'circuit_table_name', { value: circuits.tableName });
    new TerraformOutput(this, 'appconfig_application_id', { value: routing.applicationId });
    new TerraformOutput(this, 'appconfig_environment_id', { value: routing.environmentId });
    new TerraformOutput(this, 'appconfig_profile_id', { value: routing.profileId });
    new TerraformOutput(this, 'kms_key_arn', { value: key.keyArn });
    for (const [name, value] of Object.entries(hosted.outputs)) new TerraformOutput(this, name, { value });
    // Start a route's workflow with `aws stepfunctions start-sync-execution --state-machine-arn <arn> --input '{"prompt":"..."}'`.
    new TerraformOutput(this, 'workflow_state_machine_arns', { value: workflows.routeStateMachineArns });
    new TerraformOutput(this, 'workflow_recovery_state_machine_arn', { value: workflows.recoveryStateMachineArn });
  }
}
