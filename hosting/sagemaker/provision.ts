import { ModelEndpoint, type ModelEndpointProps } from '../../modules/sagemaker/model-endpoint';
import { ModelPackageGroup } from '../../modules/sagemaker/model-package-group';
import type { EnvironmentPlan } from '../../catalog';
import type { HostingProvisioner } from '../provision';
import { provisionDisasterRecovery } from './dr-provision';
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
      (model) => new ModelEndpoint(scope, `Endpoint-${model.id}`, endpointProps(model.hosting, plan, kmsKeyArn)),
    );
    for (const endpoint of endpoints) endpoint.grantInvoke(routerRole);
    // The same endpoints in a DR Region, where the environment declares one (hosting/sagemaker/dr.ts).
    const dr = provisionDisasterRecovery(scope, models, ctx);
    return {
      outputs: { sagemaker_endpoint_names: endpoints.map((e) => e.endpointName), ...dr.outputs },
      dashboardEndpointNames: models.map((m) => m.hosting.endpointName),
      logGroupNames: endpoints.map((e) => e.logGroupName),
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
