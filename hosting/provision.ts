import type { TerraformProvider } from 'cdktf';
import type { Construct } from 'constructs';
import type { EnvironmentPlan, PlannedModelOn } from '../catalog';
import type { GrantableRole } from '../modules/iam/role-policy';
import type { TableModel } from '../contracts/routing-table';
import { bedrockProvisioner } from './bedrock/provision';
import { bedrockCustomProvisioner } from './bedrock-custom/provision';
import { HOSTING_TYPES } from './index';
import type { HostingType } from './kind';
import { sagemakerProvisioner } from './sagemaker/provision';

/*
 * The stack side of the hosting kinds: what each kind creates in an environment's stack, kept out of
 * hosting/<kind>/index.ts so the catalog, the audit and selection use the kinds without loading cdktf.
 */

export interface ProvisionContext {
  readonly plan: EnvironmentPlan;
  /** The environment key, for what a kind stores (endpoint volumes ...). */
  readonly kmsKeyArn: string;
  /** The router's role: each kind grants it exactly the calls of its models, next to their resources. */
  readonly routerRole: GrantableRole;
  /**
   * The ARNs of the application inference profiles (cost allocation) by the model they copy, all in
   * the primary Region: the router calls them, so it is granted them. @default - none
   */
  readonly applicationProfileArns?: ReadonlyMap<string, readonly string[]>;
  /** The stack's provider alias of each further Region it creates resources in (a SageMaker DR Region). @default - none */
  readonly regionProviders?: ReadonlyMap<string, TerraformProvider>;
  /**
   * Where a kind's own functions are built from (`<projectRoot>/functions/<name>/index.ts`, bundled into
   * `<projectRoot>/dist/<name>`) and their packages written. @default - the project's root, a folder under the OS temp dir
   */
  readonly functionBuild?: { readonly projectRoot: string; readonly packageDir: string };
}

export interface Provisioned {
  /** Stack outputs by name (`<thing>_<attribute>`); the stack declares them. */
  readonly outputs: Readonly<Record<string, readonly string[]>>;
  /** SageMaker endpoints the dashboard charts. */
  readonly dashboardEndpointNames: readonly string[];
  /** Log groups the kind declares, encrypted with the environment key (whose policy names each). */
  readonly logGroupNames: readonly string[];
  /**
   * Routing-table targets known only after apply, by model id (a provisioned model's ARN): the stack
   * writes them over the plan's targets in the table it deploys to AppConfig, as Terraform references,
   * and hands them to the router for its baked copy. @default - none: the plan's targets are final
   */
  readonly deployedTargets?: Readonly<Record<string, TableModel['targets']>>;
}

export interface HostingProvisioner<T extends HostingType> {
  /** Creates what the kind's models need in the stack, at `scope`; called for every kind, with its models in plan order (maybe none). */
  provision(scope: Construct, models: readonly PlannedModelOn<T>[], ctx: ProvisionContext): Provisioned;
}

/** Every kind's provisioner, by hosting type: one line per kind. */
export const PROVISIONERS: { readonly [T in HostingType]: HostingProvisioner<T> } = {
  bedrock: bedrockProvisioner,
  sagemaker: sagemakerProvisioner,
  'bedrock-custom': bedrockCustomProvisioner,
};

function isHostedOn<T extends HostingType>(type: T) {
  return (m: EnvironmentPlan['models'][number]): m is PlannedModelOn<T> => m.hosting.type === type;
}

function provisionKind<T extends HostingType>(scope: Construct, type: T, ctx: ProvisionContext): Provisioned {
  return PROVISIONERS[type].provision(scope, ctx.plan.models.filter(isHostedOn(type)), ctx);
}

/** Provisions every kind of the plan's models, and gathers what the stack shows of them. */
export function provisionHosting(scope: Construct, ctx: ProvisionContext): Provisioned {
  const all = HOSTING_TYPES.map((type) => provisionKind(scope, type, ctx));
  const outputs: Record<string, readonly string[]> = {};
  for (const [name, value] of all.flatMap((p) => Object.entries(p.outputs))) {
    if (name in outputs) throw new Error(`hosting: two kinds declare the stack output ${name}`);
    outputs[name] = value;
  }
  return {
    outputs,
    dashboardEndpointNames: all.flatMap((p) => p.dashboardEndpointNames),
    logGroupNames: all.flatMap((p) => p.logGroupNames),
    deployedTargets: Object.assign({}, ...all.map((p) => p.deployedTargets ?? {})) as Record<
      string,
      TableModel['targets']
    >,
  };
}
