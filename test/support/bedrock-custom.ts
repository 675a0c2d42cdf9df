import { loadProject, type EnvironmentPlan } from '../../catalog';
import type { Environment } from '../../schemas/generated/environment';
import type { Model, ModelCatalog } from '../../schemas/generated/model-catalog';
import { modelById, replaceSelection } from './by-id';
import { tempProject } from './project';

/**
 * A Bedrock custom model for fixtures (the shipped catalog has none: a shipped one would start a
 * billed customization job on every deploy): a fine-tuning of Nova Lite on support tickets, served
 * with one model unit and no commitment. The price is a fixture figure, not a published one.
 */
export const CUSTOM_MODEL_ID = 'nova-lite-support-ft';

export function customModel(): Model {
  return {
    id: CUSTOM_MODEL_ID,
    name: 'Nova Lite fine-tuned on support tickets',
    provider: 'amazon',
    family: 'nova',
    hosting: {
      type: 'bedrock-custom',
      baseModel: 'nova-lite',
      customization: {
        customizationType: 'FINE_TUNING',
        baseModelIdentifier: 'amazon.nova-lite-v1:0:300k',
        trainingDataS3Uri: 's3://fm-platform-training-111111111111/support/train.jsonl',
        validationDataS3Uri: 's3://fm-platform-training-111111111111/support/validation.jsonl',
        outputS3Uri: 's3://fm-platform-training-111111111111/support/output/',
        hyperparameters: { epochCount: '2', batchSize: '1', learningRate: '0.00001' },
      },
      provisionedThroughput: { modelUnits: 1 },
    },
    capabilities: {
      contextWindowTokens: 300000,
      maxOutputTokens: 10000,
      inputModalities: ['text'],
      outputModalities: ['text'],
      languages: ['en'],
      toolUse: true,
      streaming: true,
      strengths: ['general'],
    },
    pricing: { modelUnitHourUsd: 20, source: 'test fixture figure', asOf: '2026-11-01' },
    lifecycle: { status: 'active', releasedOn: '2026-11-01' },
  };
}

/** Adds the custom model to the catalog and makes it dev's support target, falling back to Claude Haiku 4.5 then Nova Micro. */
export function withCustomModel(c: ModelCatalog, e: Record<string, Environment>, model: Model = customModel()): void {
  c.models.push(model);
  replaceSelection(e.dev, { id: 'support', target: model.id, fallbacks: ['claude-haiku-4-5', 'nova-micro'] });
}

/** The fixture's custom model, to edit in a mutation. */
export const customModelIn = (c: ModelCatalog): Model => modelById(c, CUSTOM_MODEL_ID);

/** The plan of dev (or another environment) with the fixture's custom model as its support target, from a throw-away project. */
export function customModelPlan(
  name = 'dev',
  change: (c: ModelCatalog, e: Record<string, Environment>) => void = () => {},
): EnvironmentPlan {
  const { catalogPath, environmentsDir } = tempProject((c, e) => {
    withCustomModel(c, e);
    change(c, e);
  });
  const plan = loadProject({ catalogPath, environmentsDir, only: [name], today: '2026-11-29' }).plans[0];
  if (plan?.name !== name) throw new Error(`fixture: no plan of ${name}`);
  return plan;
}
