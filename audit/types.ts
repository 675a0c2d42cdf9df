import type { BudgetRow } from './budgets';
import type { CatalogIssue, EnvironmentPlan, LoadedProject } from '../catalog';
import type { Gate } from '../catalog/waivers';
import type { CostEstimate } from './cost';
import type { ResourceChange, Risk } from './resource-changes';
import type { HeadroomRow } from './headroom';
import type { IamStatement, TerraformPlanJson, UnreadablePolicy } from './stack-json';
import type { EndpointRow, HostingAuditRow, HostingType } from '../hosting';

/** What one environment gets, and, against a base, what a change does to it. */
export interface EnvironmentAudit {
  readonly name: string;
  readonly tier: EnvironmentPlan['tier'];
  readonly region: string;
  readonly failoverRegions: readonly string[];
  readonly routes: readonly RouteSummary[];
  readonly models: readonly ModelSummary[];
  readonly permissions: readonly IamStatement[];
  /** Role policies neither the plan nor the synthesized stack could show: their roles were not evaluated. */
  readonly unevaluated: readonly UnreadablePolicy[];
  /** Where inference may run, as the environment declares it; absent when it sets no boundary. */
  readonly dataResidency?: EnvironmentPlan['audit']['dataResidency'];
  /** Each Bedrock target's peak against its quota; absent when the environment declares no quotas. */
  readonly headroom?: readonly HeadroomRow[];
  /** Which model, profile and endpoint ARNs each role may invoke, by Region. */
  readonly modelAccess: readonly ModelAccess[];
  /** The application inference profiles (cost allocation) the environment makes; empty when it makes none. */
  readonly applicationProfiles: readonly ApplicationProfileSummary[];
  readonly endpoints: readonly EndpointSummary[];
  readonly cost: CostEstimate;
  /** Each consumer budget against its projected monthly cost. */
  readonly budgets: readonly BudgetRow[];
  readonly lifecycle: readonly LifecycleNotice[];
  readonly gates: readonly GateResult[];
  readonly changes?: ChangeSet;
  readonly resources?: readonly ResourceChange[];
}

export interface RouteSummary {
  readonly id: string;
  readonly strategy: 'static' | 'content-based';
  readonly target: string;
  readonly rules: readonly { readonly name: string; readonly when: string; readonly target: string }[];
  readonly fallbacks: readonly string[];
  /** The response cache in words (`1 h, per consumer, temperature 0 only`); absent when the route does not cache. */
  readonly cache?: string;
}

/** A model, with where it is called (its hosting kind's audit row: Bedrock invocation Regions in order, or the endpoint's Region). */
export interface ModelSummary extends HostingAuditRow {
  readonly id: string;
  readonly name: string;
  readonly hosting: HostingType;
  readonly status: string;
  readonly replacement: string | null;
  readonly routes: readonly string[];
}

/** An application inference profile as the audit lists it. */
export interface ApplicationProfileSummary {
  readonly name: string;
  readonly route: string;
  readonly model: string;
  /** The consumer (team) whose requests it carries; absent: the route's own. */
  readonly consumer?: string;
  readonly region: string;
  readonly copyFrom: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface ModelAccess {
  /** The role's Terraform address. */
  readonly role: string;
  readonly roleName?: string;
  readonly kind:
    | 'inference-profile'
    | 'application-inference-profile'
    | 'foundation-model'
    | 'endpoint'
    | 'guardrail'
    | 'provisioned-model'
    | 'other';
  readonly region: string;
  readonly resource: string;
  readonly onlyViaProfile: boolean;
}

export interface EndpointSummary extends EndpointRow {
  readonly model: string;
}

export interface LifecycleNotice {
  readonly model: string;
  readonly status: string;
  readonly endOfLifeOn: string | null;
  readonly daysLeft: number | null;
  readonly replacement: string | null;
  /** Without a replacement: the model npm run select ranks first for what this one offers, here. */
  readonly suggested: string | null;
  readonly routes: readonly string[];
}

export interface GateResult {
  readonly gate: Gate;
  /** warn reports without failing the audit. */
  readonly status: 'pass' | 'warn' | 'fail' | 'waived';
  readonly subject?: string;
  readonly message?: string;
  readonly fix?: string;
  readonly waiver?: string;
}

export interface ChangeSet {
  readonly baseCatalogVersion: string | null;
  readonly routesAdded: readonly string[];
  readonly routesRemoved: readonly string[];
  readonly retargeted: readonly { readonly route: string; readonly from: string; readonly to: string }[];
  readonly fallbacksChanged: readonly {
    readonly route: string;
    readonly from: readonly string[];
    readonly to: readonly string[];
  }[];
  readonly rulesChanged: readonly string[];
  readonly modelsAdded: readonly string[];
  readonly modelsRemoved: readonly string[];
  readonly lifecycleChanged: readonly { readonly model: string; readonly from: string; readonly to: string }[];
  readonly endpointsChanged: readonly { readonly model: string; readonly from: string; readonly to: string }[];
  /** Model Registry versions an environment now deploys (a pin or latest-approved), each its own roll-out by the pipeline. */
  readonly registryVersionsChanged: readonly {
    readonly model: string;
    readonly from: number | 'latest-approved';
    readonly to: number | 'latest-approved';
  }[];
  readonly permissionsAdded: readonly string[];
  readonly permissionsRemoved: readonly string[];
  readonly cost: {
    readonly baseMonthlyUsd: number;
    readonly headMonthlyUsd: number;
    readonly deltaUsd: number;
    readonly deltaPercent: number | null;
  };
  /** Catalog-level risks (a production routing change, a model moving to legacy ...). */
  readonly risks: readonly { readonly risk: Risk; readonly reason: string }[];
}

export interface AuditReport {
  readonly catalogVersion: string | null;
  readonly base?: { readonly ref: string; readonly catalogVersion: string | null; readonly valid: boolean };
  readonly passed: boolean;
  /** Validation errors and warnings of the head catalog (gate failures among them). */
  readonly validation: readonly CatalogIssue[];
  readonly environments: readonly EnvironmentAudit[];
}

/** One side of a comparison: a loaded project and each environment's synthesized stack (or real plan). */
export interface AuditSide {
  readonly project: LoadedProject;
  readonly issues: readonly CatalogIssue[];
  /** cdk.tf.json of each environment, by name. */
  readonly stacks: ReadonlyMap<string, unknown>;
}

export interface AuditOptions {
  readonly today: string;
  readonly base?: { readonly ref: string; readonly side?: AuditSide; readonly catalogVersion: string | null };
  /** A real plan (terraform show -json) for one environment, read instead of the offline diff. */
  readonly plan?: { readonly environment: string; readonly json: TerraformPlanJson };
}
