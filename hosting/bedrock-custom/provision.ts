import { ProvisionedCustomModel } from '../../modules/bedrock/provisioned-custom-model';
import type { HostingProvisioner } from '../provision';

/**
 * Per custom model: the customization job and its service role (when Terraform trains it), the
 * Provisioned Throughput serving it, the router's grant on exactly that provisioned model, and the
 * routing-table target the stack writes in place of the throughput's name once its ARN exists.
 */
export const bedrockCustomProvisioner: HostingProvisioner<'bedrock-custom'> = {
  provision(scope, models, { plan, routerRole }) {
    const served = models.map((m) => {
      const h = m.hosting;
      const c = h.customModel;
      const model = new ProvisionedCustomModel(scope, `CustomModel-${m.id}`, {
        provisionedModelName: h.provisionedModelName,
        modelUnits: h.modelUnits,
        ...(h.commitmentDuration !== undefined ? { commitmentDuration: h.commitmentDuration } : {}),
        customModel:
          c.source === 'external'
            ? { customModelArn: c.customModelArn }
            : {
                job: {
                  jobName: c.jobName,
                  customModelName: c.customModelName,
                  roleName: c.roleName,
                  customizationType: c.customizationType,
                  baseModelArn: c.baseModelArn,
                  trainingDataS3Uri: c.trainingDataS3Uri,
                  ...(c.validationDataS3Uri !== undefined ? { validationDataS3Uri: c.validationDataS3Uri } : {}),
                  outputS3Uri: c.outputS3Uri,
                  hyperparameters: c.hyperparameters,
                },
              },
        account: plan.account,
        region: plan.region,
      });
      model.grantInvoke(routerRole);
      return { id: m.id, region: h.region, model };
    });
    // Only where some model is served this way, so no other environment's stack changes.
    const outputs: Record<string, readonly string[]> =
      served.length > 0 ? { bedrock_provisioned_model_arns: served.map((s) => s.model.provisionedModelArn) } : {};
    return {
      outputs,
      dashboardEndpointNames: [],
      logGroupNames: [],
      deployedTargets: Object.fromEntries(
        served.map((s) => [s.id, [{ region: s.region, id: s.model.provisionedModelArn }]]),
      ),
    };
  },
};
