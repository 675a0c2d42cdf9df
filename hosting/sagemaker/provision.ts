import { ModelEndpoint, type ModelEndpointProps } from '../../modules/sagemaker/model-endpoint';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { projectRoot } from '../../catalog/paths';
import { writeFunctionPackage } from '../../modules/router/bundle';
import { ModelDeployments, type PipelineDisasterRecovery } from '../../modules/sagemaker/model-deployments';
import { ModelPackageGroup } from '../../modules/sagemaker/model-package-group';
import { deploymentTableName } from '../../contracts/model-deployment';
import { deploymentWorkflowDefinition } from '../../workflows/deployment-workflow';
import type { EnvironmentPlan } from '../../catalog';
import type { Construct } from 'constructs';
import type { PlannedModelOn } from '../../catalog';
import type { HostingProvisioner, ProvisionContext } from '../provision';
import { provisionDisasterRecovery } from './dr-provision';
import {
  deploymentWorkflowProps,
  drDeployConfig,
  drFunctionName,
  drFunctionRoleName,
  followsApprovals,
  pipelineNamePrefix,
  pipelineStateMachineName,
} from './pipeline';
import type { PlannedSagemakerHosting } from './plan';

/** Custom models on SageMaker: a Model Registry group per registry-driven model, an endpoint per model, and the router's grant to invoke it. */
export const sagemakerProvisioner: HostingProvisioner<'sagemaker'> = {
  provision(scope, models, ctx) {
    const { plan, kmsKeyArn, routerRole } = ctx;
    // One group per registry-driven model, in each environment's account; a group a training pipeline made
    // (owner "external") is only referenced by name: creating it here would collide with theirs.
    for (const model of models) {
      const r = model.hosting.modelRegistry;
      if (!r?.owned) continue;
      new ModelPackageGroup(scope, `ModelPackageGroup-${r.packageGroup}`, {
        groupName: r.packageGroup,
        description: `${model.id} versions deployed by fm-platform`,
      });
    }
    const endpoints = models.map(
      (model) =>
        new ModelEndpoint(scope, `Endpoint-${model.id}`, {
          ...endpointProps(model.hosting, plan, kmsKeyArn),
          // A registry-driven model's versions are rolled out by its deployment pipeline, not by Terraform.
          pipelineManaged: model.hosting.modelRegistry !== undefined,
        }),
    );
    for (const endpoint of endpoints) endpoint.grantInvoke(routerRole);
    // The same endpoints in a DR Region, where the environment declares one (hosting/sagemaker/dr.ts).
    const dr = provisionDisasterRecovery(scope, models, ctx);
    const deployments = provisionPipelines(scope, models, endpoints, dr.endpoints, ctx);
    return {
      outputs: {
        sagemaker_endpoint_names: endpoints.map((e) => e.endpointName),
        ...dr.outputs,
        ...deployments.outputs,
      },
      dashboardEndpointNames: models.map((m) => m.hosting.endpointName),
      logGroupNames: [...endpoints.map((e) => e.logGroupName), ...deployments.logGroupNames],
    };
  },
};

export function endpointProps(
  hosting: PlannedSagemakerHosting,
  plan: EnvironmentPlan,
  kmsKeyArn: string,
): ModelEndpointProps {
  return {
    endpointName: hosting.endpointName,
    image: hosting.image,
    modelDataUrl: hosting.modelDataUrl,
    modelPackageArn: hosting.modelRegistry?.initialPackageArn,
    environment: hosting.environment,
    adapters: hosting.adapters,
    capacity: hosting.capacity,
    rollout: hosting.rollout,
    kmsKeyArn,
    logRetentionDays: plan.logs.retentionDays,
    account: plan.account,
    region: plan.region,
  };
}

/**
 * The deployment pipelines of the registry-driven models (hosting/sagemaker/pipeline.ts): one Standard
 * workflow each, built from the endpoint Terraform made so its configurations copy that one's variant,
 * role and alarms, and the environment's deployments table.
 */
function provisionPipelines(
  scope: Construct,
  models: readonly PlannedModelOn<'sagemaker'>[],
  endpoints: readonly ModelEndpoint[],
  drEndpoints: ReadonlyMap<string, ModelEndpoint>,
  { plan, kmsKeyArn, functionBuild }: ProvisionContext,
): { outputs: Record<string, readonly string[]>; logGroupNames: string[] } {
  const prefix = `fm-${plan.name}`;
  const tableName = deploymentTableName(prefix);
  const pipelines = models.flatMap((model, i) => {
    const registry = model.hosting.modelRegistry;
    if (registry === undefined) return [];
    const endpoint = endpoints[i];
    const drEndpoint = drEndpoints.get(model.id);
    // DynamoDB takes the table's name or its ARN: the ARN, as the resilience workflows do.
    const definitionJson = (tableArn: string) =>
      JSON.stringify(
        deploymentWorkflowDefinition(
          deploymentWorkflowProps(model, plan, endpoint.deployment, tableArn, drEndpoint?.deployment),
        ),
      );
    const drPlan = model.hosting.disasterRecovery;
    const disasterRecovery: PipelineDisasterRecovery | undefined =
      drEndpoint !== undefined && drPlan !== undefined
        ? {
            region: drPlan.region,
            // Names from the plan (the construct's are Terraform references): the policies' patterns are built of them.
            endpointName: drPlan.endpointName,
            endpointArn: drEndpoint.endpointArn,
            resourceNamePrefix: pipelineNamePrefix(drPlan.endpointName),
            executionRoleArn: drEndpoint.deployment.executionRoleArn,
            alarmNames: drEndpoint.deployment.alarmNames,
            ...(drEndpoint.deployment.kmsKeyArn !== undefined
              ? { volumeKmsKeyArn: drEndpoint.deployment.kmsKeyArn }
              : {}),
            functionName: drFunctionName(prefix, model.id),
            roleName: drFunctionRoleName(prefix, model.id),
            config: drDeployConfig(model, plan),
          }
        : undefined;
    return [
      {
        modelId: model.id,
        stateMachineName: pipelineStateMachineName(prefix, model.id),
        definitionJson,
        endpointName: model.hosting.endpointName,
        endpointArn: endpoint.endpointArn,
        resourceNamePrefix: pipelineNamePrefix(model.hosting.endpointName),
        packageGroupName: registry.packageGroup,
        executionRoleArn: endpoint.deployment.executionRoleArn,
        alarmNames: endpoint.deployment.alarmNames,
        ...(endpoint.deployment.kmsKeyArn !== undefined ? { volumeKmsKeyArn: endpoint.deployment.kmsKeyArn } : {}),
        followsApprovals: followsApprovals(model),
        ...(disasterRecovery ? { disasterRecovery } : {}),
      },
    ];
  });
  if (pipelines.length === 0) return { outputs: {}, logGroupNames: [] };
  // The DR phase's function (functions/dr-deploy), built only where some pipeline has a DR endpoint.
  const build = functionBuild ?? { projectRoot, packageDir: join(tmpdir(), 'fm-platform-functions') };
  const drFunctionPackage = pipelines.some((p) => p.disasterRecovery !== undefined)
    ? writeFunctionPackage(
        'dr-deploy',
        join(build.projectRoot, 'functions', 'dr-deploy', 'index.ts'),
        join(build.projectRoot, 'dist', 'dr-deploy'),
        build.packageDir,
      )
    : undefined;
  const deployments = new ModelDeployments(scope, 'ModelDeployments', {
    namePrefix: prefix,
    account: plan.account,
    region: plan.region,
    tableName,
    pipelines,
    kmsKeyArn,
    logRetentionDays: plan.logs.retentionDays,
    ...(drFunctionPackage ? { drFunctionPackage } : {}),
  });
  return {
    outputs: {
      sagemaker_deployment_state_machine_arns: Object.values(deployments.stateMachineArns),
      sagemaker_deployment_table_name: [deployments.tableName],
    },
    logGroupNames: [deployments.logGroupName, ...deployments.drLogGroupNames],
  };
}
