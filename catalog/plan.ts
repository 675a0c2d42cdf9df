import type {
  Capabilities,
  Lifecycle,
  Model,
  Performance,
  Pricing,
  Resilience,
  RouteRequirements,
  RoutingRule,
} from '../schemas/generated/model-catalog';
import type {
  BedrockQuota,
  Consumer,
  Environment,
  Throttle,
  TrafficAssumption,
} from '../schemas/generated/environment';
import type { RoutingTable } from '../contracts/routing-table';
import type { HostingType, PlannedHosting, PlannedHostingOf } from '../hosting/kind';
import type { PlannedBootstrap } from './bootstrap';

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
    readonly waf: { readonly enabled: boolean };
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
  /** How the audit judges this environment, every default applied (the audit applies none of its own). */
  readonly audit: AuditSettings;
  /** How Bedrock spend is split in AWS's bill (`costAllocation` of the environment file, default off). */
  readonly costAllocation: { readonly applicationProfiles: 'off' | 'per-route' | 'per-consumer' };
  /** The application inference profiles the stack creates (none when cost allocation is off), routes in order. */
  readonly applicationProfiles: readonly PlannedApplicationProfile[];
  /** What the router reads from AppConfig (and bakes in as its last known good copy). */
  readonly routingTable: RoutingTable;
  /** The account bootstrap's settings for this environment (absent: its account has no bootstrap stack). */
  readonly bootstrap?: PlannedBootstrap;
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
  /** The response cache, defaults applied; absent when the route does not cache. */
  readonly cache?: {
    readonly ttlSeconds: number;
    readonly sharedAcrossConsumers: boolean;
    readonly requests: 'temperature-zero' | 'all';
  };
}

/**
 * An application inference profile: a tagged copy of what the router calls for one model of one route
 * (and one consumer) in the primary Region, so AWS's bill splits Bedrock spend the way the router's metrics do.
 */
export interface PlannedApplicationProfile {
  /** `fm-<env>-<route>-<model>[-<consumer>]`, shortened with a hash past Bedrock's 64 characters. */
  readonly name: string;
  readonly route: string;
  readonly model: string;
  /** The consumer whose requests it carries; absent: the route's own (callers with no key, the workflows). */
  readonly consumer?: string;
  readonly region: string;
  /** `model_source.copy_from`: the system (cross-Region) profile's ARN, or the foundation model's. */
  readonly copyFrom: string;
  /** The cost-allocation tags: environment, route, model, and team for a consumer's profile. */
  readonly tags: Readonly<Record<string, string>>;
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
  readonly hosting: PlannedHosting;
  /** The routes here that may call it. */
  readonly routes: readonly string[];
}

/** A planned model of one hosting type. */
export type PlannedModelOn<T extends HostingType> = PlannedModel & { readonly hosting: PlannedHostingOf<T> };

/** The audit's settings for one environment, resolved from its file with the defaults applied. */
export interface AuditSettings {
  /** The cost-increase gate fails above this rise against the base (percent). */
  readonly costIncreaseThresholdPercent: number;
  /** Models reaching end of life within this many days are listed. */
  readonly lifecycleWindowDays: number;
  readonly disabledGates: NonNullable<NonNullable<Environment['audit']>['disabledGates']>;
  /** Where inference may run; undefined when the environment sets no boundary. */
  readonly dataResidency?: {
    readonly allowed: readonly string[];
    readonly reason?: string;
  };
  /** The account's Bedrock quotas and the traffic peak; undefined when the environment declares none. */
  readonly quotas?: {
    readonly peakFactor: number;
    readonly peakFactorSource?: string;
    /** The quota-headroom gate warns above this share of a quota (percent) and fails above 100. */
    readonly warnAtPercent: number;
    readonly bedrock: readonly Required<BedrockQuota>[];
  };
}
