import type { Capabilities, Lifecycle, Model, Performance, Pricing, Resilience, RouteRequirements, RoutingRule } from '../schemas/generated/model-catalog';
import type { Consumer, EndpointRollout, Environment, Throttle, TrafficAssumption } from '../schemas/generated/environment';
import type { RoutingTable } from '../contracts/routing-table';
import type { Geography } from './regions';

/** Everything one environment deploys, resolved from the catalog and its environment file. Deeply frozen. */
export interface EnvironmentPlan {
  readonly name: string;
  readonly tier: Environment['tier'];
  readonly account: string;
  readonly region: string;
  readonly failoverRegions: readonly string[];
  readonly catalogVersion: string;
  readonly stateBackend: { readonly bucket: string; readonly key: string; readonly region: string };
  /** The routes served here, overrides applied, in the environment file's order. */
  readonly routes: readonly PlannedRoute[];
  /** The models those routes may call, in catalog order: exactly what the router may invoke. */
  readonly models: readonly PlannedModel[];
  readonly api: {
    readonly throttle: Throttle;
    readonly consumers: readonly Consumer[];
    readonly waf: { readonly enabled: boolean; readonly rateLimitPer5Minutes: number };
  };
  readonly router: { readonly memoryMb: number; readonly reservedConcurrency: number; readonly logPromptText: boolean };
  readonly appConfig: {
    readonly deployment: {
      readonly type: 'all-at-once' | 'linear' | 'canary';
      readonly durationMinutes: number;
      readonly growthFactorPercent: number;
      readonly finalBakeMinutes: number;
    };
    readonly pollIntervalSeconds: number;
  };
  readonly logs: { readonly retentionDays: number };
  /** Tags for every resource: project, environment and the environment file's own. */
  readonly tags: Readonly<Record<string, string>>;
  readonly costAssumptions: Readonly<Record<string, TrafficAssumption>>;
  /** What the router reads from AppConfig (and bakes in as its last known good copy). */
  readonly routingTable: RoutingTable;
}

export interface PlannedRoute {
  readonly id: string;
  readonly description: string;
  /** static when the catalog says so, or when the environment turns a content-based route's rules off. */
  readonly strategy: 'static' | 'content-based';
  readonly target: string;
  readonly rules: readonly RoutingRule[];
  readonly fallbacks: readonly string[];
  /** Every model the route may call: target, rule targets, fallbacks; each once, in that order. */
  readonly candidates: readonly string[];
  readonly requirements: RouteRequirements;
  readonly resilience: Resilience;
  readonly guardrail?: { readonly id: string; readonly version: string };
}

export interface PlannedModel {
  readonly id: string;
  readonly name: string;
  readonly provider: Model['provider'];
  readonly family: string;
  readonly capabilities: Capabilities;
  readonly pricing: Pricing;
  readonly performance?: Performance;
  readonly lifecycle: Lifecycle;
  readonly hosting: PlannedBedrockHosting | PlannedSagemakerHosting;
  /** The routes here that may call it. */
  readonly routes: readonly string[];
}

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
}
