import type { EnvironmentPlan, PlannedModel } from '../catalog';
import { hostingKind, type WorkflowInvocation } from '../hosting';
import { WorkflowDefinitionError } from './workflow-error';

/** One candidate as the workflow calls it, as its hosting kind says (in the primary Region). */
export interface WorkflowCandidate extends WorkflowInvocation {
  readonly modelId: string;
}

/** The plan's model of that id. */
export function modelOf(plan: EnvironmentPlan, id: string): PlannedModel {
  const model = plan.models.find((m) => m.id === id);
  if (model === undefined)
    throw new WorkflowDefinitionError(`workflow: model "${id}" is not in the plan of ${plan.name}`);
  return model;
}

/** The candidate as the workflow calls it in the primary Region, as its hosting kind says (Bedrock through InvokeModel, SageMaker through the router). */
export function workflowCandidate(plan: EnvironmentPlan, modelId: string): WorkflowCandidate {
  const model = modelOf(plan, modelId);
  const invocation = hostingKind(model.hosting).workflowInvocation(model.hosting, plan.region);
  if (invocation === undefined)
    throw new WorkflowDefinitionError(
      `workflow: model "${modelId}" has no invocation in the primary region ${plan.region}`,
    );
  return { modelId, ...invocation };
}
