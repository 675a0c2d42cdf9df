import type { EnvironmentPlan, PlannedModel } from '../catalog';
import { WorkflowDefinitionError } from './workflow-error';

/** One candidate as the workflow calls it. */
export interface WorkflowCandidate {
  readonly modelId: string;
  readonly region: string;
  /** bedrock: the optimized `bedrock:invokeModel` integration; router: the router Lambda (SageMaker models). */
  readonly via: 'bedrock' | 'router';
  /** The ModelId passed to InvokeModel: the primary-Region invoke id (inference profile id or model id). */
  readonly invokeId?: string;
  /** ARNs IAM must allow for that call: the profile (if any) and the foundation models behind it. */
  readonly profileArn?: string;
  readonly foundationModelArns: readonly string[];
}

/** The plan's model of that id. */
export function modelOf(plan: EnvironmentPlan, id: string): PlannedModel {
  const model = plan.models.find((m) => m.id === id);
  if (model === undefined) throw new WorkflowDefinitionError(`workflow: model "${id}" is not in the plan of ${plan.name}`);
  return model;
}

/** The candidate as the workflow calls it: Bedrock in the primary Region, SageMaker through the router. */
export function workflowCandidate(plan: EnvironmentPlan, modelId: string): WorkflowCandidate {
  const model = modelOf(plan, modelId);
  if (model.hosting.type === 'sagemaker') return { modelId, region: model.hosting.region, via: 'router', foundationModelArns: [] };
  const primary = model.hosting.invocations.find((i) => i.region === plan.region);
  if (primary === undefined) throw new WorkflowDefinitionError(`workflow: model "${modelId}" has no invocation in the primary region ${plan.region}`);
  return { modelId, region: primary.region, via: 'bedrock', invokeId: primary.invokeId, profileArn: primary.profile?.arn, foundationModelArns: primary.foundationModelArns };
}
