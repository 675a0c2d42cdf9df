import type { Geography } from '../../catalog/regions';

/** A Bedrock model in an environment's plan. */
export interface PlannedBedrockHosting {
  readonly type: 'bedrock';
  readonly modelId: string;
  /** Where the router calls it: the primary Region first, then each failover Region where it is served. */
  readonly invocations: readonly BedrockInvocation[];
}

export interface BedrockInvocation {
  readonly region: string;
  /** The id passed to Converse: the inference profile id where a profile covers the Region, else the model id. */
  readonly invokeId: string;
  readonly profile?: {
    readonly geography: Geography;
    readonly arn: string;
    readonly destinationRegions: readonly string[];
  };
  /** Foundation-model ARNs IAM must allow for this call: the Region's, or every destination Region of the profile. */
  readonly foundationModelArns: readonly string[];
}
