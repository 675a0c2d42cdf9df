import type { EndpointRollout } from '../../schemas/generated/environment';
import type { PlannedDisasterRecovery } from './dr';

/** A SageMaker model in an environment's plan: the endpoint the environment runs for it. */
export interface PlannedSagemakerHosting {
  readonly type: 'sagemaker';
  readonly region: string;
  readonly endpointName: string;
  readonly image: string;
  readonly modelDataUrl?: string;
  readonly modelRegistry?: { readonly packageGroup: string; readonly approvedVersion: number };
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
