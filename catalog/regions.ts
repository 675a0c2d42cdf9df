import type { InferenceProfile } from '../schemas/generated/model-catalog';

export type Geography = InferenceProfile['geography'];

/** Whether a Region belongs to a cross-Region inference profile geography (the prefix of the profile id). */
export function regionInGeography(region: string, geography: Geography): boolean {
  switch (geography) {
    case 'global':
      return !region.startsWith('us-gov-') && !region.startsWith('cn-');
    case 'us':
      return region.startsWith('us-') && !region.startsWith('us-gov-');
    case 'us-gov':
      return region.startsWith('us-gov-');
    case 'eu':
      return region.startsWith('eu-');
    case 'apac':
      return region.startsWith('ap-') || region === 'me-central-1';
    case 'jp':
      return region === 'ap-northeast-1' || region === 'ap-northeast-3';
    case 'au':
      return region === 'ap-southeast-2' || region === 'ap-southeast-4';
  }
}

export function foundationModelArn(region: string, modelId: string): string {
  return `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
}

export function inferenceProfileId(geography: Geography, modelId: string): string {
  return `${geography}.${modelId}`;
}

export function inferenceProfileArn(region: string, account: string, profileId: string): string {
  return `arn:aws:bedrock:${region}:${account}:inference-profile/${profileId}`;
}

/** Every profile geography, in the schema's order (the compiler fails here when the schema gains one). */
export const GEOGRAPHIES = ['us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'global'] as const satisfies readonly Geography[];
const everyGeography: Exclude<Geography, (typeof GEOGRAPHIES)[number]> extends never ? true : never = true;
void everyGeography;
