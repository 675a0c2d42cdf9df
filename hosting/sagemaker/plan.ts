import type { EndpointRollout } from '../../schemas/generated/environment';
import type { PlannedDisasterRecovery } from './dr';

/** A SageMaker model in an environment's plan: the endpoint the environment runs for it. */
export interface PlannedSagemakerHosting {
  readonly type: 'sagemaker';
  readonly region: string;
  readonly endpointName: string;
  readonly image: string;
  readonly modelDataUrl?: string;
  readonly modelRegistry?: PlannedModelRegistry;
  readonly environment: Readonly<Record<string, string>>;
  /** LoRA adapters under the base weights' adapters/ folder, served by the LMI container and chosen per request. */
  readonly adapters: readonly { readonly name: string; readonly artifactUrl: string }[];
  readonly capacity:
    | {
        readonly mode: 'instances';
        readonly instanceType: string;
        readonly instanceCount: number;
        /** The environment's price for its instance type, else the catalog's when the type is the catalog's default. */
        readonly instanceHourUsd?: number;
      }
    | { readonly mode: 'serverless'; readonly memorySizeMb: number; readonly maxConcurrency: number };
  readonly rollout: EndpointRollout;
  /** The same endpoint in a failover Region (sagemaker.disasterRecovery), the router's next target. */
  readonly disasterRecovery?: PlannedDisasterRecovery;
}

/** The Model Registry version an environment deploys. */
export interface PlannedModelRegistry {
  /** Namespaced per platform: fm-<model id> unless the catalog names a group a training pipeline made. */
  readonly packageGroup: string;
  /** Terraform creates the group here (platform), or only references it (external). */
  readonly owned: boolean;
  /** The version this environment serves: pinned, or every newly approved one. */
  readonly version: number | 'latest-approved';
  /** The version Terraform first creates the endpoint with (the pin, else the catalog's approvedVersion). */
  readonly initialVersion: number;
  /** arn:aws:sagemaker:<region>:<account>:model-package/<group>/<initialVersion> */
  readonly initialPackageArn: string;
}

/** A model package version's ARN (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeModelPackage.html). */
export function modelPackageArn(region: string, account: string, group: string, version: number): string {
  return `arn:aws:sagemaker:${region}:${account}:model-package/${group}/${version}`;
}

/** The platform's own group name for a model: namespaced, so it cannot collide with a training pipeline's. */
export function platformPackageGroup(modelId: string): string {
  return `fm-${modelId}`;
}
