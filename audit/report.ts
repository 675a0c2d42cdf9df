import type { CatalogIssue } from '../catalog';
import type { EnvironmentPlan } from '../catalog/plan';
import { changeSet } from './changes';
import { consumerBudgets } from './budgets';
import { estimateCost } from './cost';
import { gateResults } from './gates';
import { modelAccessOf } from './permissions';
import { diffResources, planResourceChanges, type ResourceChange } from './resource-changes';
import { quotaHeadroom } from './headroom';
import {
  planIamPolicies,
  stackApplicationProfiles,
  stackIamPolicies,
  stackIamStatements,
  stackResources,
} from './stack-json';
import { endpointSummaries, lifecycleNotices, modelSummary, routeSummary } from './summaries';
import type { AuditOptions, AuditReport, AuditSide, ChangeSet, EnvironmentAudit } from './types';

/** The audit of every environment of a valid head, optionally against a base. */
export function buildAudit(head: AuditSide, options: AuditOptions): AuditReport {
  const environments = head.project.plans.map((plan) => environmentAudit(plan, head, options));
  return {
    catalogVersion: head.project.catalog.version,
    ...(options.base
      ? {
          base: {
            ref: options.base.ref,
            catalogVersion: options.base.catalogVersion,
            valid: options.base.side !== undefined,
          },
        }
      : {}),
    passed: environments.every((e) => e.gates.every((g) => g.status !== 'fail')),
    validation: head.issues,
    environments,
  };
}

/** The report of a head that does not validate: its gate failures and every other error. */
export function blockedAudit(
  catalogVersion: string | null,
  issues: readonly CatalogIssue[],
  base?: AuditReport['base'],
): AuditReport {
  return { catalogVersion, ...(base ? { base } : {}), passed: false, validation: issues, environments: [] };
}

function environmentAudit(plan: EnvironmentPlan, head: AuditSide, options: AuditOptions): EnvironmentAudit {
  const stack = head.stacks.get(plan.name);
  const realPlan = options.plan?.environment === plan.name ? options.plan.json : undefined;
  // A real plan's unknown policies are read from the synthesized stack of the same commit, by address.
  const { statements: permissions, unreadable } = realPlan ? planIamPolicies(realPlan, stack) : stackIamPolicies(stack);
  const cost = estimateCost(plan);
  const headroom = quotaHeadroom(plan);
  const inventory = {
    name: plan.name,
    tier: plan.tier,
    region: plan.region,
    failoverRegions: plan.failoverRegions,
    routes: plan.routes.map(routeSummary),
    models: plan.models.map(modelSummary),
    permissions,
    unevaluated: unreadable,
    ...(plan.audit.dataResidency ? { dataResidency: plan.audit.dataResidency } : {}),
    ...(headroom ? { headroom } : {}),
    modelAccess: modelAccessOf(permissions, stackApplicationProfiles(stack, plan.region)),
    applicationProfiles: plan.applicationProfiles.map((p) => ({
      name: p.name,
      route: p.route,
      model: p.model,
      ...(p.consumer !== undefined ? { consumer: p.consumer } : {}),
      region: p.region,
      copyFrom: p.copyFrom,
      tags: { ...p.tags },
    })),
    endpoints: endpointSummaries(plan),
    cost,
    budgets: consumerBudgets(plan, cost),
    lifecycle: lifecycleNotices(plan, head.project, options.today),
  };
  let changes: ChangeSet | undefined;
  let resources: ResourceChange[] | undefined;
  if (options.base) {
    const base = baseOf(options.base.side, plan.name);
    changes = changeSet(
      base && { plan: base.plan, permissions: stackIamStatements(base.stack), cost: estimateCost(base.plan) },
      { plan, permissions, cost },
      options.base.catalogVersion,
    );
    resources = diffResources(stackResources(base?.stack ?? {}), stackResources(stack), {
      tier: plan.tier,
      widenedPermissions: changes.permissionsAdded,
    });
  }
  if (realPlan)
    resources = planResourceChanges(realPlan, { tier: plan.tier, widenedPermissions: changes?.permissionsAdded ?? [] });
  const gates = gateResults(
    { plan, permissions, unreadable, changes },
    head.issues,
    head.project.catalog.waivers ?? [],
    options.today,
  );
  return { ...inventory, gates, ...(changes ? { changes } : {}), ...(resources ? { resources } : {}) };
}

/** The base's plan and stack of an environment, when the base has that environment. */
function baseOf(
  side: AuditSide | undefined,
  name: string,
): { readonly plan: EnvironmentPlan; readonly stack: unknown } | undefined {
  const plan = side?.project.plans.find((p) => p.name === name);
  return side && plan ? { plan, stack: side.stacks.get(name) } : undefined;
}
