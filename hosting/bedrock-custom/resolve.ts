import { createHash } from 'node:crypto';
import type { Environment } from '../../schemas/generated/environment';
import type { BedrockCustomHosting, ModelCatalog } from '../../schemas/generated/model-catalog';
import { physicalName } from '../../catalog/names';
import { foundationModelArn } from '../../catalog/regions';
import type { ModelHostedOn } from '../kind';
import type { PlannedBedrockCustomHosting, PlannedCustomizationJob, PlannedExternalCustomModel } from './plan';

/** The base model of a custom model: the bedrock-custom-model rule requires a Bedrock model of that id. */
export function baseModelOf(catalog: ModelCatalog, hosting: BedrockCustomHosting): { id: string; modelId: string } {
  const base = catalog.models.find((m) => m.id === hosting.baseModel);
  if (base?.hosting.type !== 'bedrock')
    throw new Error(`internal error: base model ${hosting.baseModel} is not a Bedrock model after validation`);
  return { id: base.id, modelId: base.hosting.modelId };
}

/** The environment's own settings for the model, if any. */
export function environmentSettings(env: Environment, modelId: string) {
  const models = env.bedrockCustom?.models ?? {};
  return Object.hasOwn(models, modelId) ? models[modelId] : undefined;
}

function shortHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8);
}

/** The custom model an environment serves: its own external ARN, the catalog's, or a job Terraform runs there. */
function customModel(
  m: ModelHostedOn<'bedrock-custom'>,
  env: Environment,
  baseModelId: string,
): PlannedCustomizationJob | PlannedExternalCustomModel {
  const arn = environmentSettings(env, m.id)?.customModelArn ?? m.hosting.customModelArn;
  if (arn !== undefined) return { source: 'external', customModelArn: arn };
  const c = m.hosting.customization;
  if (c === undefined) throw new Error(`internal error: ${m.id} has neither customization nor customModelArn`);
  const spec = {
    customizationType: c.customizationType,
    baseModelArn: foundationModelArn(env.region, c.baseModelIdentifier ?? baseModelId),
    trainingDataS3Uri: c.trainingDataS3Uri,
    ...(c.validationDataS3Uri !== undefined ? { validationDataS3Uri: c.validationDataS3Uri } : {}),
    outputS3Uri: c.outputS3Uri,
    hyperparameters: Object.fromEntries(Object.entries(c.hyperparameters).sort(([a], [b]) => a.localeCompare(b))),
  };
  // Job and custom model names are unique per account and a job's name cannot be reused, so each
  // training (base, data, hyperparameters) has its own: a change is a new job and a new model.
  const hash = shortHash(spec);
  const name = physicalName(['fm', env.name, m.id], 63 - 9);
  return {
    source: 'job',
    jobName: `${name}-${hash}`,
    customModelName: `${name}-${hash}`,
    roleName: physicalName(['fm', env.name, m.id, 'customization'], 64),
    ...spec,
  };
}

/** A Bedrock custom model in an environment: the custom model and the throughput serving it in the primary Region. */
export function bedrockCustomHosting(
  m: ModelHostedOn<'bedrock-custom'>,
  env: Environment,
  catalog?: ModelCatalog,
): PlannedBedrockCustomHosting {
  if (catalog === undefined)
    throw new Error(`internal error: ${m.id} is resolved without the catalog its base model is in`);
  const base = baseModelOf(catalog, m.hosting);
  const own = environmentSettings(env, m.id);
  const pt = m.hosting.provisionedThroughput;
  const commitment = own?.commitmentDuration ?? pt.commitmentDuration;
  const committed = commitment === undefined || commitment === 'none' ? undefined : commitment;
  // The catalog's price is the no-commitment one: a commitment is priced only by the environment.
  const price = own?.modelUnitHourUsd ?? (committed === undefined ? m.pricing.modelUnitHourUsd : undefined);
  const served = customModel(m, env, base.modelId);
  const modelUnits = own?.modelUnits ?? pt.modelUnits;
  // Every argument of a throughput forces a new one, which is created before the old one is deleted
  // (modules/bedrock/provisioned-custom-model.ts): each has its own name, from what it serves and how.
  const throughput = { model: served, modelUnits, commitment: committed ?? 'none' };
  return {
    type: 'bedrock-custom',
    region: env.region,
    baseModel: base,
    provisionedModelName: `${physicalName(['fm', env.name, m.id], 63 - 9)}-${shortHash(throughput)}`,
    customModel: served,
    modelUnits,
    ...(committed !== undefined ? { commitmentDuration: committed } : {}),
    ...(price !== undefined ? { modelUnitHourUsd: price } : {}),
  };
}
