import { isDeepStrictEqual } from 'node:util';
import type { EnvironmentPlan } from '../catalog/plan';
import type { CostEstimate } from './cost';
import { grantLines } from './permissions';
import { RISK_ORDER } from './resource-changes';
import type { IamStatement } from './stack-json';
import { endpointSummaries } from './summaries';
import type { ChangeSet } from './types';

/** One side of a change to an environment: its plan, the permissions its stack grants, its cost. */
export interface ChangeSide {
  readonly plan: EnvironmentPlan;
  readonly permissions: readonly IamStatement[];
  readonly cost: CostEstimate;
}

type Change<T> = { readonly id: string; readonly base: T; readonly head: T };

const LEAVING_SERVICE = new Set(['legacy', 'deprecated', 'retired']);

/**
 * What a change does to one environment: the routes, models, lifecycles, endpoints and grants it
 * adds, removes or alters, the cost delta, and the risks a reviewer should weigh. Without a base
 * (a new environment) everything in the head is added.
 */
export function changeSet(
  base: ChangeSide | undefined,
  head: ChangeSide,
  baseCatalogVersion: string | null,
): ChangeSet {
  const baseRoutes = byId(base?.plan.routes ?? []);
  const headRoutes = byId(head.plan.routes);
  const baseModels = byId(base?.plan.models ?? []);
  const headModels = byId(head.plan.models);
  const routes = inBoth(baseRoutes, headRoutes);
  const models = inBoth(baseModels, headModels);

  const retargeted = routes
    .filter((r) => r.base.target !== r.head.target)
    .map((r) => ({ route: r.id, from: r.base.target, to: r.head.target }));
  const fallbacksChanged = routes
    .filter((r) => !isDeepStrictEqual([...r.base.fallbacks], [...r.head.fallbacks]))
    .map((r) => ({ route: r.id, from: r.base.fallbacks, to: r.head.fallbacks }));
  const rulesChanged = routes
    .filter((r) => !isDeepStrictEqual(plain(r.base.rules), plain(r.head.rules)) || r.base.strategy !== r.head.strategy)
    .map((r) => r.id);
  const lifecycleChanged = models
    .filter((m) => m.base.lifecycle.status !== m.head.lifecycle.status)
    .map((m) => ({ model: m.id, from: m.base.lifecycle.status, to: m.head.lifecycle.status }));
  const endpointsChanged = inBoth(
    byModel(base ? endpointSummaries(base.plan) : []),
    byModel(endpointSummaries(head.plan)),
  )
    .filter((e) => e.base.capacity !== e.head.capacity || e.base.rollout !== e.head.rollout)
    .map((e) => ({
      model: e.id,
      from: `${e.base.capacity}; ${e.base.rollout}`,
      to: `${e.head.capacity}; ${e.head.rollout}`,
    }));
  const registryVersionsChanged = models.flatMap((m) => {
    const from = m.base.hosting.type === 'sagemaker' ? m.base.hosting.modelRegistry?.version : undefined;
    const to = m.head.hosting.type === 'sagemaker' ? m.head.hosting.modelRegistry?.version : undefined;
    return from !== undefined && to !== undefined && from !== to ? [{ model: m.id, from, to }] : [];
  });
  const baseGrants = grantLines(base?.permissions ?? []);
  const headGrants = grantLines(head.permissions);
  const permissionsAdded = [...headGrants].filter((g) => !baseGrants.has(g)).sort();
  const permissionsRemoved = [...baseGrants].filter((g) => !headGrants.has(g)).sort();

  const changes: Omit<ChangeSet, 'risks'> = {
    baseCatalogVersion,
    routesAdded: onlyIn(headRoutes, baseRoutes),
    routesRemoved: onlyIn(baseRoutes, headRoutes),
    retargeted,
    fallbacksChanged,
    rulesChanged,
    modelsAdded: onlyIn(headModels, baseModels),
    modelsRemoved: onlyIn(baseModels, headModels),
    lifecycleChanged,
    endpointsChanged,
    registryVersionsChanged,
    permissionsAdded,
    permissionsRemoved,
    cost: costDelta(base?.cost.totalMonthlyUsd ?? 0, head.cost.totalMonthlyUsd),
  };
  return { ...changes, risks: risksOf(changes, head.plan.tier) };
}

/** The risks of a change, highest first: routing in production, models leaving service, widened grants, endpoint roll-outs. */
function risksOf(c: Omit<ChangeSet, 'risks'>, tier: EnvironmentPlan['tier']): ChangeSet['risks'][number][] {
  const prod = tier === 'production';
  const risks: ChangeSet['risks'][number][] = [];
  const rerouted = [
    ...new Set([...c.retargeted.map((r) => r.route), ...c.fallbacksChanged.map((r) => r.route), ...c.rulesChanged]),
  ];
  if (rerouted.length)
    risks.push(
      prod
        ? { risk: 'high', reason: `production routing change: ${rerouted.join(', ')}` }
        : { risk: 'low', reason: 'routing change outside production' },
    );
  for (const l of c.lifecycleChanged) {
    if (LEAVING_SERVICE.has(l.to))
      risks.push({
        risk: l.to === 'retired' ? 'high' : 'medium',
        reason: `model ${l.model} moves from ${l.from} to ${l.to}`,
      });
  }
  const added = c.permissionsAdded.length;
  if (added) risks.push({ risk: 'high', reason: `permission widened: ${added} new grant${added === 1 ? '' : 's'}` });
  for (const e of c.endpointsChanged)
    risks.push({ risk: prod ? 'high' : 'medium', reason: `endpoint of ${e.model} changes: ${e.from} -> ${e.to}` });
  // A version bump is a new model in front of traffic. Terraform plans nothing for it (the endpoint is the
  // pipeline's): the deploy job's `npm run promote` rolls it out blue/green after the apply.
  for (const v of c.registryVersionsChanged)
    risks.push({
      risk: prod ? 'high' : 'medium',
      reason: `registry version of ${v.model} changes: ${v.from} -> ${v.to} (rolled out by its deployment pipeline after the apply)`,
    });
  return risks.sort((a, b) => RISK_ORDER[a.risk] - RISK_ORDER[b.risk]);
}

function costDelta(baseMonthlyUsd: number, headMonthlyUsd: number): ChangeSet['cost'] {
  const deltaUsd = Math.round((headMonthlyUsd - baseMonthlyUsd) * 100) / 100;
  return {
    baseMonthlyUsd,
    headMonthlyUsd,
    deltaUsd,
    deltaPercent: baseMonthlyUsd > 0 ? Math.round((deltaUsd / baseMonthlyUsd) * 1000) / 10 : null,
  };
}

function byId<T extends { readonly id: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.id, item]));
}

function byModel<T extends { readonly model: string }>(items: readonly T[]): ReadonlyMap<string, T> {
  return new Map(items.map((item) => [item.model, item]));
}

/** What both sides hold, in the head's order, each with its base and head value. */
function inBoth<T>(base: ReadonlyMap<string, T>, head: ReadonlyMap<string, T>): Change<T>[] {
  const out: Change<T>[] = [];
  for (const [id, h] of head) {
    const b = base.get(id);
    if (b !== undefined) out.push({ id, base: b, head: h });
  }
  return out;
}

function onlyIn<T>(side: ReadonlyMap<string, T>, other: ReadonlyMap<string, T>): string[] {
  return [...side.keys()].filter((id) => !other.has(id));
}

/** A value as JSON has it (no undefined members), so two rule lists compare by what they say. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}
