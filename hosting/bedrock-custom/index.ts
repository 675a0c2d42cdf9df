import type { HostingKind, RouterBackend } from '../kind';
import type { PlannedBedrockCustomHosting } from './plan';
import { bedrockCustomHosting } from './resolve';
import { BEDROCK_CUSTOM_RULES, bedrockCustomPricingIssues } from './rules';

/**
 * The router calls a provisioned custom model with Converse like any Bedrock model, its modelId the
 * provisioned model ARN ("If you use a custom model, first purchase Provisioned Throughput for it.
 * Then specify the ARN of the resulting provisioned model",
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html): the Bedrock backend.
 */
const BACKEND: RouterBackend = 'bedrock';

function commitmentOf(h: PlannedBedrockCustomHosting): string {
  return h.commitmentDuration === undefined ? 'no commitment' : `${h.commitmentDuration} commitment`;
}

function capacityOf(h: PlannedBedrockCustomHosting): string {
  return `${h.modelUnits} model unit${h.modelUnits === 1 ? '' : 's'}, ${commitmentOf(h)}`;
}

/**
 * Bedrock custom models (fine-tuning or continued pre-training of a Bedrock base model), served in
 * each environment's Region through Provisioned Throughput. The throughput's ARN exists only after
 * apply: the plan and the routing table carry its name, and the stack puts the ARN in their place
 * (hosting/bedrock-custom/provision.ts).
 */
export const bedrockCustomKind: HostingKind<'bedrock-custom'> = {
  type: 'bedrock-custom',
  label: 'Bedrock custom model',
  routerBackend: BACKEND,

  rules: BEDROCK_CUSTOM_RULES,
  environmentReferences: (env) =>
    Object.keys(env.bedrockCustom?.models ?? {}).map((id) => ({ id, path: ['bedrockCustom', 'models', id] })),
  pricingIssues: bedrockCustomPricingIssues,
  rolloutIssues: () => [],
  // Trained and served by each environment in its own Region (like a SageMaker endpoint): the catalog names none.
  homeRegion: () => undefined,
  servedIn: () => ({ served: true }),
  catalogInstanceCount: (h) => h.provisionedThroughput.modelUnits,

  resolve: bedrockCustomHosting,
  routingTableEntry: (h) => ({
    hosting: BACKEND,
    // One Region: no cross-Region profile serves a custom model, so the router has no second target.
    targets: [{ region: h.region, id: h.provisionedModelName }],
  }),
  // Through the router, which calls the provisioned model ARN from the table AppConfig serves (the
  // workflow definitions are built before the ARN exists).
  // An application inference profile copies a foundation model or a system profile only
  // (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-create.html); the
  // Provisioned Throughput is its own tagged resource, so its cost splits without one.
  applicationProfileSource: () => undefined,
  workflowInvocation: (h, region) =>
    region === h.region ? { region, via: 'router', foundationModelArns: [] } : undefined,
  auditRow: (h) => ({
    regions: [h.region],
    invokeIds: [`provisioned model ${h.provisionedModelName}`],
    inferenceProfile: null,
    placements: [{ calledIn: h.region, invokeId: h.provisionedModelName, profile: null, runsIn: [h.region] }],
  }),
  endpointRow: (h) => ({
    endpointName: h.provisionedModelName,
    capacity: `Provisioned Throughput, ${capacityOf(h)}`,
    rollout:
      h.customModel.source === 'job'
        ? `customization job ${h.customModel.jobName} (${h.customModel.customizationType}); a change trains a new model and replaces the throughput`
        : `custom model ${h.customModel.customModelArn} made outside`,
    adapters: [],
  }),
  standingCost: (h) => ({
    resource: h.provisionedModelName,
    capacity: capacityOf(h),
    hourlyUsd: h.modelUnitHourUsd === undefined ? null : h.modelUnitHourUsd * h.modelUnits,
    ...(h.modelUnitHourUsd === undefined
      ? {
          note: `no model-unit price for a ${h.commitmentDuration} commitment: set bedrockCustom.models.<id>.modelUnitHourUsd in the environment`,
        }
      : {
          note: `${h.modelUnits} MU × $${h.modelUnitHourUsd}/MU-hour, ${commitmentOf(h)}, billed while the throughput exists (not per token)`,
        }),
  }),
};
