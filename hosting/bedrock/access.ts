import type { Environment } from '../../schemas/generated/environment';
import type { BedrockHosting, InferenceProfile } from '../../schemas/generated/model-catalog';
import { foundationModelArn, inferenceProfileArn, inferenceProfileId, regionInGeography } from '../../catalog/regions';
import type { RegionAccess } from '../kind';
import type { BedrockInvocation } from './plan';

/** How a Bedrock model is reached from a Region: a profile covering it, on demand in-Region, or not at all. */
export function bedrockAccess(
  hosting: BedrockHosting,
  region: string,
): { kind: 'profile'; profile: InferenceProfile } | { kind: 'direct' } | undefined {
  const profile = (hosting.inferenceProfiles ?? []).find((p) => p.regions.includes(region));
  if (profile) return { kind: 'profile', profile };
  if ((hosting.regions ?? []).includes(region)) return { kind: 'direct' };
  return undefined;
}

export function bedrockServedIn(hosting: BedrockHosting, region: string): RegionAccess {
  const access = bedrockAccess(hosting, region);
  if (access?.kind === 'profile')
    return { served: true, converseModelId: inferenceProfileId(access.profile.geography, hosting.modelId) };
  if (access?.kind === 'direct') return { served: true, converseModelId: hosting.modelId };
  const profiles = hosting.inferenceProfiles ?? [];
  const mismatched = profiles.filter((p) => !regionInGeography(region, p.geography)).map((p) => p.geography);
  return {
    served: false,
    reason: 'neither on demand nor through an inference profile',
    ...(mismatched.length > 0
      ? { detail: `the geography of its profiles (${mismatched.join(', ')}) does not match the Region` }
      : {}),
    regions: [...new Set([...(hosting.regions ?? []), ...profiles.flatMap((p) => p.regions)])],
    catalogFix: 'add the Region to the model if Bedrock now serves it there',
  };
}

/** Where the router calls the model: the primary Region, then each failover Region where it is served. */
export function bedrockInvocations(hosting: BedrockHosting, env: Environment): BedrockInvocation[] {
  const { modelId } = hosting;
  const out: BedrockInvocation[] = [];
  for (const region of [env.region, ...(env.failoverRegions ?? [])]) {
    const access = bedrockAccess(hosting, region);
    if (access?.kind === 'profile') {
      const { profile } = access;
      const id = inferenceProfileId(profile.geography, modelId);
      out.push({
        region,
        invokeId: id,
        profile: {
          geography: profile.geography,
          arn: inferenceProfileArn(region, env.account, id),
          destinationRegions: profile.regions,
        },
        foundationModelArns: profile.regions.map((r) => foundationModelArn(r, modelId)),
      });
    } else if (access?.kind === 'direct') {
      out.push({ region, invokeId: modelId, foundationModelArns: [foundationModelArn(region, modelId)] });
    }
  }
  return out;
}
