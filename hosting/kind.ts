import type { Environment } from '../schemas/generated/environment';
import type { Model, ModelCatalog } from '../schemas/generated/model-catalog';
import type { TableModel } from '../schemas/generated/routing-table';
import type { Candidate } from '../catalog/context';
import type { CatalogIssue } from '../catalog/issues';
import type { Report, Rule } from '../catalog/rules/rule';
import type { PlannedBedrockHosting } from './bedrock/plan';
import type { PlannedBedrockCustomHosting } from './bedrock-custom/plan';
import type { PlannedSagemakerHosting } from './sagemaker/plan';

/*
 * A hosting kind is where a model runs and everything that follows from it: the rules on its catalog
 * entry, what the plan resolves it into, how the router and the workflows call it, what it costs and
 * how the audit and selection show it. Each kind is one folder (hosting/<type>/) implementing
 * HostingKind, registered in hosting/index.ts; what it provisions in a stack is a second, cdktf-side
 * interface (hosting/provision.ts), so the catalog can use the kinds without loading cdktf.
 *
 * Adding a kind: its branch in schemas/model-catalog.schema.json (and `npm run gen:types`), its
 * folder, and a line in PlannedHostingOf below, in HOSTING_KINDS and in PROVISIONERS. The compiler
 * points at each of the three once the schema has the branch.
 */

/** The catalog schema's hosting types: the discriminator of `hosting`. */
export type HostingType = Model['hosting']['type'];

/** A catalog `hosting` entry of one type. */
export type CatalogHostingOf<T extends HostingType> = Extract<Model['hosting'], { type: T }>;

/** A catalog model hosted on one type. */
export type ModelHostedOn<T extends HostingType> = Model & { readonly hosting: CatalogHostingOf<T> };

/** What an environment's plan holds for each kind: one line per kind. */
export type PlannedHostingOf<T extends HostingType> = {
  readonly bedrock: PlannedBedrockHosting;
  readonly sagemaker: PlannedSagemakerHosting;
  readonly 'bedrock-custom': PlannedBedrockCustomHosting;
}[T];

export type PlannedHosting = PlannedHostingOf<HostingType>;

/** The router's backend for a kind: the routing table's `hosting` value, the contract between the two. */
export type RouterBackend = TableModel['hosting'];

/** A model's calling fields in the routing table, in the table's key order. */
export type RoutingTableHosting = Pick<TableModel, 'hosting' | 'targets' | 'adapters'>;

/** Whether the catalog says a model is served in a Region. */
export type RegionAccess =
  | {
      readonly served: true;
      /** The model id Bedrock's Converse takes there, for a kind Bedrock serves directly. */
      readonly converseModelId?: string;
    }
  | {
      readonly served: false;
      /** How it could have been served, for selection: `neither on demand nor through an inference profile`. */
      readonly reason: string;
      /** More to say, closing the validator's message, where there is more. */
      readonly detail?: string;
      /** The Regions where it is served. */
      readonly regions: readonly string[];
      /** The catalog edit that serves it there, when the provider now does. */
      readonly catalogFix: string;
    };

/** How a resilience workflow calls a model. */
export interface WorkflowInvocation {
  readonly region: string;
  /** invoke-model: Step Functions' optimized `bedrock:invokeModel` integration; router: the router Lambda (which applies its own chain). */
  readonly via: 'invoke-model' | 'router';
  /** The ModelId passed to InvokeModel: an inference profile id or a model id. */
  readonly invokeId?: string;
  /** ARNs IAM must allow for that call: the profile (if any) and the foundation models behind it. */
  readonly profileArn?: string;
  readonly foundationModelArns: readonly string[];
}

/** How the audit lists where a model is called. */
export interface HostingAuditRow {
  /** Where it is called, in order. */
  readonly regions: readonly string[];
  /** The ids the router calls it by. */
  readonly invokeIds: readonly string[];
  /** The inference profile geographies it is called through, or null. */
  readonly inferenceProfile: string | null;
  /** Where each call's inference may run (the data-residency gate reads it). */
  readonly placements: readonly InferencePlacement[];
}

/** One way a model is called, and where its inference may then run. */
export interface InferencePlacement {
  /** The Region the call is made in. */
  readonly calledIn: string;
  /** The id it is called by there (a profile id, a model id, an endpoint name). */
  readonly invokeId: string;
  /** The cross-Region inference profile's geography when it is called through one, else null. */
  readonly profile: string | null;
  /**
   * The Regions the request may be served in; `any-commercial-region` for a global profile, which
   * AWS may route to any commercial Region it supports, including ones added later
   * ("the destination Regions for Global cross-Region inference profiles include all commercial Regions",
   * https://docs.aws.amazon.com/bedrock/latest/userguide/cross-region-inference-support.html).
   */
  readonly runsIn: readonly string[] | 'any-commercial-region';
}

/** A model endpoint the environment runs, as the audit lists it. */
export interface EndpointRow {
  readonly endpointName: string;
  readonly capacity: string;
  readonly rollout: string;
  readonly adapters: readonly string[];
  /** Its copy in a DR Region, if any: `<endpoint> in <region>, same capacity`. */
  readonly disasterRecovery?: string;
}

/** What a model costs while it runs, whether requests come or not (instances, provisioned throughput). */
export interface StandingCost {
  /** The resource that costs it (an endpoint name, a provisioned model name). */
  readonly resource: string;
  readonly capacity: string;
  /** USD per hour, or null when it cannot be estimated (then `note` says why). */
  readonly hourlyUsd: number | null;
  readonly note?: string;
}

export interface HostingKind<T extends HostingType> {
  readonly type: T;
  /** How messages name it: `Bedrock`, `SageMaker`. */
  readonly label: string;
  /** The router backend that calls it. */
  readonly routerBackend: RouterBackend;

  /** Cross-field rules of its own, run with the others and listed by `npm run validate -- --rules`. */
  readonly rules: readonly Rule[];
  /** Where an environment names models in the kind's own section (the unknown-model rule checks them). */
  environmentReferences(env: Environment): Candidate[];
  /** The pricing rule's checks of how the kind bills; paths relative to the model. */
  pricingIssues(model: ModelHostedOn<T>, issue: Report): CatalogIssue[];
  /** The rollout rule's checks of the kind's roll-out settings in an environment. */
  rolloutIssues(env: Environment, issue: Report): CatalogIssue[];
  /** A Region the catalog says serves the model, to rank a replacement in; undefined where each environment deploys it. */
  homeRegion(hosting: CatalogHostingOf<T>): string | undefined;
  /** Whether the catalog serves the model in a Region (the region rule, selection and evaluation ask). */
  servedIn(hosting: CatalogHostingOf<T>, region: string): RegionAccess;
  /** Instances the catalog's instance-hour price pays for, for selection's cost per request (1 when billed per token). */
  catalogInstanceCount(hosting: CatalogHostingOf<T>): number;

  /**
   * The model's hosting in an environment's plan (called once the rules found no error). catalog/resolve.ts
   * always passes the catalog; a kind that builds on another model (a custom model's base) needs it.
   */
  resolve(model: ModelHostedOn<T>, env: Environment, catalog?: ModelCatalog): PlannedHostingOf<T>;
  /** Its routing-table fields: the router backend, the targets in order, the adapters. */
  routingTableEntry(hosting: PlannedHostingOf<T>, modelId: string): RoutingTableHosting;
  /**
   * What an application inference profile of the model in a Region copies (`model_source.copy_from`:
   * the cross-Region profile's ARN where one covers the Region, else the foundation model's), or
   * undefined where the kind has no such profile or does not call the model there.
   */
  applicationProfileSource(hosting: PlannedHostingOf<T>, region: string): string | undefined;
  /** How the workflows call it from a Region, or undefined when it cannot be called there. */
  workflowInvocation(hosting: PlannedHostingOf<T>, region: string): WorkflowInvocation | undefined;
  /** Where the audit says it is called. */
  auditRow(hosting: PlannedHostingOf<T>): HostingAuditRow;
  /** The endpoint the environment runs for it, if any. */
  endpointRow(hosting: PlannedHostingOf<T>): EndpointRow | undefined;
  /** Its cost by the hour, if it has one (token costs are the catalog's prices, the same for every kind). */
  standingCost(hosting: PlannedHostingOf<T>): StandingCost | undefined;
}

/**
 * Every member of HostingKind, so a test can ask each registered kind for each of them (the compiler
 * keeps this list whole: a member added to the interface and not here is an error).
 */
const MEMBERS: { readonly [K in keyof HostingKind<HostingType>]-?: true } = {
  type: true,
  label: true,
  routerBackend: true,
  rules: true,
  environmentReferences: true,
  pricingIssues: true,
  rolloutIssues: true,
  homeRegion: true,
  servedIn: true,
  catalogInstanceCount: true,
  resolve: true,
  routingTableEntry: true,
  applicationProfileSource: true,
  workflowInvocation: true,
  auditRow: true,
  endpointRow: true,
  standingCost: true,
};
export const HOSTING_KIND_MEMBERS = Object.keys(MEMBERS) as readonly (keyof HostingKind<HostingType>)[];
