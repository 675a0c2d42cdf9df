import type { RoutingTable, TableModel, TableRoute } from '../contracts/routing-table';
import { plannedBootstrap } from './bootstrap';
import { hostingKind } from '../hosting';
import { effectiveRoutes, type EnvironmentContext } from './context';
import type { AuditSettings, EnvironmentPlan, PlannedModel, PlannedRoute } from './plan';
import type { Environment } from '../schemas/generated/environment';

/** The audit's defaults, applied here once: an environment file overrides each in its `audit`. */
export const AUDIT_DEFAULTS = {
  costIncreaseThresholdPercent: 25,
  lifecycleWindowDays: 90,
  quotaWarnAtPercent: 80,
  outputTokenBurndown: 1,
} as const;

/** A route cache's defaults (the schema's `default`s), applied here once. */
export const CACHE_DEFAULTS = { sharedAcrossConsumers: false, requests: 'temperature-zero' } as const;

/**
 * Resolves one validated environment into its plan: a pure function of the catalog and the
 * environment file (call it only when the rules found no error). The result is deeply frozen.
 */
export function resolveEnvironment(ctx: EnvironmentContext): EnvironmentPlan {
  const { env, catalog } = ctx;
  const routes: PlannedRoute[] = effectiveRoutes(ctx).map((eff) => ({
    id: eff.route.id,
    description: eff.route.description,
    strategy: eff.strategy,
    target: eff.target,
    rules: eff.rules,
    fallbacks: eff.fallbacks,
    candidates: eff.candidates,
    requirements: eff.route.requirements,
    resilience: { ...eff.route.resilience, latencyBudgetMs: eff.latencyBudgetMs },
    ...(eff.route.guardrail ? { guardrail: eff.route.guardrail } : {}),
    ...(eff.route.cache
      ? {
          cache: {
            ttlSeconds: eff.route.cache.ttlSeconds,
            sharedAcrossConsumers: eff.route.cache.sharedAcrossConsumers ?? CACHE_DEFAULTS.sharedAcrossConsumers,
            requests: eff.route.cache.requests ?? CACHE_DEFAULTS.requests,
          },
        }
      : {}),
  }));

  const usedBy = new Map<string, string[]>();
  for (const r of routes) for (const id of r.candidates) usedBy.set(id, [...(usedBy.get(id) ?? []), r.id]);

  const models: PlannedModel[] = catalog.models
    .filter((m) => usedBy.has(m.id))
    .map((m) => ({
      id: m.id,
      name: m.name,
      provider: m.provider,
      family: m.family,
      capabilities: m.capabilities,
      pricing: m.pricing,
      ...(m.performance ? { performance: m.performance } : {}),
      lifecycle: m.lifecycle,
      hosting: hostingKind(m.hosting).resolve(m, env),
      routes: usedBy.get(m.id) ?? [],
    }));

  const deployment = env.appConfig.deployment;
  const plan: EnvironmentPlan = {
    name: env.name,
    tier: env.tier,
    account: env.account,
    region: env.region,
    failoverRegions: env.failoverRegions ?? [],
    catalogVersion: catalog.version,
    stateBackend: {
      bucket: env.stateBackend.bucket,
      key: env.stateBackend.key ?? `fm-platform/${env.name}.tfstate`,
      region: env.stateBackend.region ?? env.region,
    },
    routes,
    models,
    api: {
      throttle: env.api.throttle,
      consumers: env.api.consumers ?? [],
      waf: { enabled: env.api.waf?.enabled ?? false },
    },
    router: {
      memoryMb: env.router.memoryMb,
      reservedConcurrency: env.router.reservedConcurrency,
      logPromptText: env.router.logPromptText ?? false,
    },
    appConfig: {
      deployment: {
        type: deployment.type,
        durationMinutes: deployment.type === 'all-at-once' ? 0 : deployment.durationMinutes!,
        growthFactorPercent: deployment.type === 'all-at-once' ? 100 : deployment.growthFactorPercent!,
        finalBakeMinutes: deployment.finalBakeMinutes ?? 0,
      },
      pollIntervalSeconds: env.appConfig.pollIntervalSeconds ?? 45,
    },
    logs: { retentionDays: env.logs.retentionDays },
    tags: { project: 'fm-platform', environment: env.name, 'managed-by': 'cdktf', ...(env.tags ?? {}) },
    costAssumptions: env.costAssumptions ?? {},
    audit: auditSettingsOf(env),
    routingTable: undefined as unknown as RoutingTable,
    ...(env.bootstrap ? { bootstrap: plannedBootstrap(env) } : {}),
  };
  return deepFreeze({ ...plan, routingTable: routingTableOf(plan) });
}

/** The audit settings of an environment file, every default applied. */
export function auditSettingsOf(env: Environment): AuditSettings {
  const q = env.quotas;
  return {
    costIncreaseThresholdPercent:
      env.audit?.costIncreaseThresholdPercent ?? AUDIT_DEFAULTS.costIncreaseThresholdPercent,
    lifecycleWindowDays: env.audit?.lifecycleWindowDays ?? AUDIT_DEFAULTS.lifecycleWindowDays,
    disabledGates: env.audit?.disabledGates ?? [],
    ...(env.dataResidency ? { dataResidency: env.dataResidency } : {}),
    ...(q
      ? {
          quotas: {
            peakFactor: q.peakFactor,
            ...(q.peakFactorSource ? { peakFactorSource: q.peakFactorSource } : {}),
            warnAtPercent: q.warnAtPercent ?? AUDIT_DEFAULTS.quotaWarnAtPercent,
            bedrock: q.bedrock.map((b) => ({
              ...b,
              outputTokenBurndown: b.outputTokenBurndown ?? AUDIT_DEFAULTS.outputTokenBurndown,
            })),
          },
        }
      : {}),
  };
}

/** The routing table the router reads: only what it needs to choose and call a model. */
export function routingTableOf(plan: Omit<EnvironmentPlan, 'routingTable'>): RoutingTable {
  const models: Record<string, TableModel> = {};
  for (const m of plan.models) {
    models[m.id] = {
      provider: m.provider,
      ...hostingKind(m.hosting).routingTableEntry(m.hosting, m.id),
      contextWindowTokens: m.capabilities.contextWindowTokens,
      maxOutputTokens: m.capabilities.maxOutputTokens,
      inputModalities: [...m.capabilities.inputModalities],
      languages: [...m.capabilities.languages],
      toolUse: m.capabilities.toolUse,
      streaming: m.capabilities.streaming,
      ...(m.capabilities.promptCaching === true ? { promptCaching: true } : {}),
      ...(m.capabilities.latencyOptimized === true ? { latencyOptimized: true } : {}),
      pricing: tokenPricing(m),
      status: m.lifecycle.status,
      ...(m.lifecycle.replacement ? { replacement: m.lifecycle.replacement } : {}),
    };
  }
  const routes: Record<string, TableRoute> = {};
  for (const r of plan.routes) {
    routes[r.id] = {
      description: r.description,
      strategy: r.strategy,
      target: r.target,
      rules: r.rules.map((rule) => ({ name: rule.name, when: { ...rule.when }, target: rule.target })),
      fallbacks: [...r.fallbacks],
      requirements: { ...r.requirements },
      resilience: { ...r.resilience },
      ...(r.guardrail ? { guardrail: { ...r.guardrail } } : {}),
      ...(r.cache ? { cache: { ...r.cache } } : {}),
    };
  }
  return {
    schemaVersion: 1,
    catalogVersion: plan.catalogVersion,
    environment: plan.name,
    region: plan.region,
    logPromptText: plan.router.logPromptText,
    models,
    routes,
  };
}

/**
 * Token prices for the cost metric. A model billed by the instance-hour has no token price: its
 * marginal token price is 0, and its hosting kind estimates its cost by the hour (standingCost).
 */
function tokenPricing(m: PlannedModel): TableModel['pricing'] {
  return {
    inputPerMillionTokensUsd: m.pricing.inputPerMillionTokensUsd ?? 0,
    outputPerMillionTokensUsd: m.pricing.outputPerMillionTokensUsd ?? 0,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
