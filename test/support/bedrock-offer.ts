import { BedrockClient } from '@aws-sdk/client-bedrock';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { inferenceProfileId } from '../../catalog/regions';
import type { SimFoundationModel, SimInferenceProfile, SimRegion } from '../../sim/bedrock-control-plane';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';

const PROVIDER: Record<string, string> = {
  anthropic: 'Anthropic',
  amazon: 'Amazon',
  meta: 'Meta',
  mistral: 'Mistral AI',
  cohere: 'Cohere',
};

/**
 * What Bedrock would offer in a Region if the catalog were exactly right: each Bedrock model the
 * catalog lists there on demand (ON_DEMAND) or through a profile (INFERENCE_PROFILE only), with
 * the catalog's lifecycle, and each of its profiles callable from the Region with the catalog's
 * destinations. Tests change one fact of it at a time.
 */
export function offerMatching(
  catalog: ModelCatalog,
  region: string,
): { models: SimFoundationModel[]; profiles: SimInferenceProfile[] } {
  const models: SimFoundationModel[] = [];
  const profiles: SimInferenceProfile[] = [];
  for (const m of catalog.models) {
    if (m.hosting.type !== 'bedrock' || m.lifecycle.status === 'retired') continue;
    const h = m.hosting;
    const onDemand = (h.regions ?? []).includes(region);
    const through = (h.inferenceProfiles ?? []).filter((p) => p.regions.includes(region));
    if (!onDemand && through.length === 0) continue;
    const l = m.lifecycle;
    models.push({
      modelId: h.modelId,
      modelName: m.name,
      providerName: PROVIDER[m.provider],
      inferenceTypesSupported: onDemand ? ['ON_DEMAND'] : ['INFERENCE_PROFILE'],
      lifecycle: {
        status: l.status === 'active' || l.status === 'preview' ? 'ACTIVE' : 'LEGACY',
        ...(l.legacyOn ? { legacyTime: `${l.legacyOn}T00:00:00Z` } : {}),
        ...(l.endOfLifeOn ? { endOfLifeTime: `${l.endOfLifeOn}T00:00:00Z` } : {}),
      },
    });
    for (const p of through)
      profiles.push({
        inferenceProfileId: inferenceProfileId(p.geography, h.modelId),
        modelId: h.modelId,
        destinationRegions: p.regions,
      });
  }
  return { models, profiles };
}

/** The offer with one model's entry changed (or removed when `change` returns undefined). */
export function withModel(
  offer: SimRegion,
  modelId: string,
  change: (m: SimFoundationModel) => SimFoundationModel | undefined,
): SimRegion {
  return {
    ...offer,
    models: offer.models.flatMap((m) => (m.modelId === modelId ? (change(m) ?? []) : [m])),
  };
}

/** The offer with one profile's entry changed (or removed when `change` returns undefined). */
export function withProfile(
  offer: SimRegion,
  profileId: string,
  change: (p: SimInferenceProfile) => SimInferenceProfile | undefined,
): SimRegion {
  return {
    ...offer,
    profiles: (offer.profiles ?? []).flatMap((p) => (p.inferenceProfileId === profileId ? (change(p) ?? []) : [p])),
  };
}

/** A real Bedrock control-plane client pointed at a loopback server, signing for the Region. */
export function bedrockClientFor(endpoint: string): (region: string) => BedrockClient {
  return (region) =>
    new BedrockClient({
      region,
      endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
}
