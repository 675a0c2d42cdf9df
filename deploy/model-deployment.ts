import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListModelPackagesCommand,
  type SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { DescribeExecutionCommand, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { EnvironmentPlan } from '../catalog';
import { DEPLOYMENT_TABLE_KEYS, deploymentTableName, packageVersion } from '../contracts/model-deployment';
import { pipelineModels, pipelineStateMachineName } from '../hosting/sagemaker/pipeline';
import { modelPackageArn } from '../hosting/sagemaker/plan';
import { MODEL_PACKAGE_ENV } from '../contracts/dr-deployment';

/*
 * What `npm run promote` and `npm run rollback` do with a model's deployment pipeline
 * (workflows/deployment-workflow.ts): read what serves, pick the version, start the workflow and wait
 * for its end. The deploy job promotes each registry-driven model after the apply, the way it waits for
 * the AppConfig deployment (deploy/appconfig-wait.ts).
 */

/**
 * The model package an endpoint serves: endpoint → configuration → model → ModelPackageName, or, for a
 * DR endpoint (its models name no package: packages are Regional), the version the pipeline's DR phase
 * wrote into the model's environment (contracts/dr-deployment.ts).
 */
export async function servingPackage(client: SageMakerClient, endpointName: string): Promise<string | undefined> {
  const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  if (endpoint.EndpointConfigName === undefined) return undefined;
  const config = await client.send(
    new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }),
  );
  const modelName = config.ProductionVariants?.[0]?.ModelName;
  if (modelName === undefined) return undefined;
  const model = await client.send(new DescribeModelCommand({ ModelName: modelName }));
  return model.PrimaryContainer?.ModelPackageName ?? model.PrimaryContainer?.Environment?.[MODEL_PACKAGE_ENV];
}

/** What each endpoint of a pipeline serves: the primary, then its DR endpoint (each read in its own Region). */
export async function servingEverywhere(
  t: PipelineTarget,
  clientIn: (region: string) => SageMakerClient,
): Promise<{ region: string; endpointName: string; serving: string | undefined }[]> {
  const places = [
    { region: t.region, endpointName: t.endpointName },
    ...(t.disasterRecovery ? [t.disasterRecovery] : []),
  ];
  return Promise.all(
    places.map(async (p) => ({ ...p, serving: await servingPackage(clientIn(p.region), p.endpointName) })),
  );
}

/** The newest Approved version of a group (an environment following "latest-approved"). */
export async function latestApprovedPackage(client: SageMakerClient, group: string): Promise<string | undefined> {
  const out = await client.send(
    new ListModelPackagesCommand({
      ModelPackageGroupName: group,
      ModelApprovalStatus: 'Approved',
      SortBy: 'CreationTime',
      SortOrder: 'Descending',
      MaxResults: 1,
    }),
  );
  return out.ModelPackageSummaryList?.[0]?.ModelPackageArn;
}

/**
 * The version that served before the one serving now: the `previousPackageArn` of the newest record of
 * the pipeline putting the serving version in place (contracts/model-deployment.ts).
 */
export async function previousServingPackage(
  client: DynamoDBClient,
  tableName: string,
  modelId: string,
  serving: string,
  /** The primary endpoint, whose records count. @default - any endpoint's */
  endpointName?: string,
): Promise<string | undefined> {
  const out = await client.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: '#m = :m',
      ExpressionAttributeNames: { '#m': DEPLOYMENT_TABLE_KEYS.partitionKey },
      ExpressionAttributeValues: { ':m': { S: modelId } },
      ScanIndexForward: false,
    }),
  );
  // The primary endpoint's records: a DR phase's record (its own endpointName) names the same versions.
  const record = (out.Items ?? []).find(
    (i) =>
      i.outcome?.S === 'serving' &&
      i.servingPackageArn?.S === serving &&
      (endpointName === undefined || i.endpointName?.S === endpointName),
  );
  const previous = record?.previousPackageArn?.S;
  return previous === undefined || previous === '' || previous === serving ? undefined : previous;
}

export interface ExecutionResult {
  readonly ok: boolean;
  readonly executionArn: string;
  readonly status: string;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
}

export interface StartOptions {
  readonly stateMachineArn: string;
  readonly packageArn: string;
  readonly trigger: 'promote' | 'rollback';
  /** Execution names are unique per state machine for 90 days: the trigger, version and time make one. */
  readonly now?: Date;
  readonly timeoutMs: number;
  /** @default 30000 */
  readonly pollMs?: number;
}

/** Starts the pipeline with a version and waits for the execution to end (SUCCEEDED: the version serves). */
export async function deployVersion(client: SFNClient, o: StartOptions): Promise<ExecutionResult> {
  const version = packageVersion(o.packageArn) ?? 'x';
  const stamp = (o.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  const started = await client.send(
    new StartExecutionCommand({
      stateMachineArn: o.stateMachineArn,
      name: `${o.trigger}-v${version}-${stamp}`,
      input: JSON.stringify({ modelPackageArn: o.packageArn, trigger: o.trigger }),
    }),
  );
  const executionArn = started.executionArn ?? '';
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const d = await client.send(new DescribeExecutionCommand({ executionArn }));
    const status = d.status ?? 'UNKNOWN';
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE')
      return {
        ok: status === 'SUCCEEDED',
        executionArn,
        status,
        ...(d.output !== undefined ? { output: JSON.parse(d.output) as unknown } : {}),
        ...(d.error !== undefined ? { error: d.error } : {}),
        ...(d.cause !== undefined ? { cause: d.cause } : {}),
      };
    if (Date.now() >= deadline)
      return { ok: false, executionArn, status, error: 'Timeout', cause: `still ${status} after ${o.timeoutMs} ms` };
    await new Promise((r) => setTimeout(r, o.pollMs ?? 30_000));
  }
}

/** Where a model's pipeline is in an environment, from its plan: what the commands need to find it. */
export interface PipelineTarget {
  readonly modelId: string;
  readonly region: string;
  readonly endpointName: string;
  readonly packageGroup: string;
  readonly stateMachineArn: string;
  readonly tableName: string;
  /** The catalog's pin for the environment, or 'latest-approved'. */
  readonly version: number | 'latest-approved';
  readonly packageArn: (version: number) => string;
  /** The DR endpoint the pipeline moves too. @default - none */
  readonly disasterRecovery?: { readonly region: string; readonly endpointName: string };
}

export function pipelineTargets(plan: EnvironmentPlan): PipelineTarget[] {
  const prefix = `fm-${plan.name}`;
  return pipelineModels(plan).map((m) => {
    const registry = m.hosting.modelRegistry as NonNullable<typeof m.hosting.modelRegistry>;
    return {
      modelId: m.id,
      region: plan.region,
      endpointName: m.hosting.endpointName,
      packageGroup: registry.packageGroup,
      stateMachineArn: `arn:aws:states:${plan.region}:${plan.account}:stateMachine:${pipelineStateMachineName(prefix, m.id)}`,
      tableName: deploymentTableName(prefix),
      version: registry.version,
      packageArn: (version: number) => modelPackageArn(plan.region, plan.account, registry.packageGroup, version),
      ...(m.hosting.disasterRecovery
        ? {
            disasterRecovery: {
              region: m.hosting.disasterRecovery.region,
              endpointName: m.hosting.disasterRecovery.endpointName,
            },
          }
        : {}),
    };
  });
}
