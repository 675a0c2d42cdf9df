import { physicalName } from '../../catalog/names';
import type { DrDeployConfig } from '../../contracts/dr-deployment';
import { deploymentTableName } from '../../contracts/model-deployment';
import {
  MAX_RESOURCE_NAME,
  NAME_SUFFIX_ROOM,
  type DeploymentVariant,
  type DeploymentWorkflowProps,
} from '../../workflows/deployment-workflow';
import type { EnvironmentPlan, PlannedModelOn } from '../../catalog';
import { modelPackageArn } from './plan';
import { blueGreenDeploymentConfig } from './rollout';

/*
 * The deployment pipeline of a registry-driven SageMaker model, as the plan decides it: which models get
 * one (every registry-driven model with an endpoint in the environment), which follow the registry's
 * approvals, and the workflow's settings. Terraform creates such an endpoint once with the catalog's
 * first version and leaves its configuration to the pipeline (modules/sagemaker/model-endpoint.ts).
 */

/** What the endpoint Terraform created says about itself: the pipeline's configurations copy it. */
export interface EndpointFacts {
  readonly executionRoleArn: string;
  readonly alarmNames: readonly string[];
  readonly variant: DeploymentVariant;
  readonly networkIsolation: boolean;
  readonly kmsKeyArn?: string;
}

/** The models of a plan that have a deployment pipeline: registry-driven, with an endpoint here. */
export function pipelineModels(plan: EnvironmentPlan): PlannedModelOn<'sagemaker'>[] {
  return plan.models.filter(
    (m): m is PlannedModelOn<'sagemaker'> => m.hosting.type === 'sagemaker' && m.hosting.modelRegistry !== undefined,
  );
}

/** Whether a registry approval starts the pipeline here (the environment follows "latest-approved"). */
export function followsApprovals(model: PlannedModelOn<'sagemaker'>): boolean {
  return model.hosting.modelRegistry?.version === 'latest-approved';
}

/** The pipeline's state machine of a model (`fm-<env>-deploy-<model>`), within Step Functions' 80 characters. */
export function pipelineStateMachineName(namePrefix: string, modelId: string): string {
  return physicalName([namePrefix, 'deploy', modelId], 80);
}

/** `arn:aws:sagemaker:<region>:<account>:model-package/<group>/`: the versions the pipeline may deploy. */
export function packageArnPrefix(model: PlannedModelOn<'sagemaker'>, plan: EnvironmentPlan): string {
  const group = model.hosting.modelRegistry?.packageGroup;
  if (group === undefined) throw new Error(`internal error: ${model.id} is not registry-driven`);
  return modelPackageArn(plan.region, plan.account, group, 0).replace(/0$/, '');
}

/** The prefix of the models and configurations the pipeline names (`<prefix>-v<version>-<8 hex>`). */
export function pipelineNamePrefix(endpointName: string): string {
  return physicalName([endpointName], MAX_RESOURCE_NAME - NAME_SUFFIX_ROOM);
}

/** The DR function of a model's pipeline (`fm-<env>-deploy-<model>-dr`), within Lambda's 64 characters. */
export function drFunctionName(namePrefix: string, modelId: string): string {
  return physicalName([namePrefix, 'deploy', modelId, 'dr'], 64);
}

/** The DR function's role: the bootstrap's bucket policies let it read the replication status of the weights. */
export function drFunctionRoleName(namePrefix: string, modelId: string): string {
  return `${drFunctionName(namePrefix, modelId)}-role`.slice(0, 64);
}

/** What the DR function of a model may copy and where: its group's versions, the weights its DR endpoint reads. */
export function drDeployConfig(model: PlannedModelOn<'sagemaker'>, plan: EnvironmentPlan): DrDeployConfig {
  const h = model.hosting;
  const dr = h.disasterRecovery;
  if (dr === undefined) throw new Error(`internal error: ${model.id} has no DR endpoint`);
  const sources = [h.modelDataUrl, ...h.adapters.map((a) => a.artifactUrl)];
  const replicas = [dr.modelDataUrl, ...dr.adapters.map((a) => a.artifactUrl)];
  return {
    region: dr.region,
    packageArnPrefix: packageArnPrefix(model, plan),
    artifacts: sources.flatMap((source, i) => {
      const replica = replicas[i];
      return source !== undefined && replica !== undefined ? [{ source, replica }] : [];
    }),
  };
}

/** The workflow's settings for a model in an environment. */
export function deploymentWorkflowProps(
  model: PlannedModelOn<'sagemaker'>,
  plan: EnvironmentPlan,
  facts: EndpointFacts,
  /** The deployments table, its name or ARN. */
  tableName = deploymentTableName(`fm-${plan.name}`),
  /** What the DR endpoint Terraform created says about itself: the workflow gets its DR phase. @default - no DR phase */
  drFacts?: EndpointFacts,
): DeploymentWorkflowProps {
  const h = model.hosting;
  const dr = h.disasterRecovery;
  if (dr === undefined && drFacts !== undefined) throw new Error(`internal error: ${model.id} has no DR endpoint`);
  return {
    modelId: model.id,
    environment: plan.name,
    endpointName: h.endpointName,
    packageArnPrefix: packageArnPrefix(model, plan),
    namePrefix: pipelineNamePrefix(h.endpointName),
    executionRoleArn: facts.executionRoleArn,
    containerEnvironment: h.environment,
    networkIsolation: facts.networkIsolation,
    variant: facts.variant,
    ...(facts.kmsKeyArn !== undefined ? { kmsKeyArn: facts.kmsKeyArn } : {}),
    deploymentConfig: blueGreenDeploymentConfig(h.rollout, facts.alarmNames),
    tableName,
    ...(dr !== undefined && drFacts !== undefined
      ? {
          disasterRecovery: {
            region: dr.region,
            endpointName: dr.endpointName,
            namePrefix: pipelineNamePrefix(dr.endpointName),
            executionRoleArn: drFacts.executionRoleArn,
            networkIsolation: drFacts.networkIsolation,
            variant: drFacts.variant,
            ...(drFacts.kmsKeyArn !== undefined ? { kmsKeyArn: drFacts.kmsKeyArn } : {}),
            deploymentConfig: blueGreenDeploymentConfig(h.rollout, drFacts.alarmNames),
            // In the primary Region, beside the state machine: its ARN is known from its name.
            functionArn: `arn:aws:lambda:${plan.region}:${plan.account}:function:${drFunctionName(`fm-${plan.name}`, model.id)}`,
          },
        }
      : {}),
  };
}
