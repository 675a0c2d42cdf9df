import { createHash } from 'node:crypto';
import type { RoutingTable, TableModel, TableRoute } from '../contracts/routing-table';
import { limitId } from '../contracts/spend';
import { plannedBootstrap } from './bootstrap';
import { hostingKind } from '../hosting';
import { effectiveRoutes, type EnvironmentContext } from './context';
import type { AuditSettings, EnvironmentPlan, PlannedApplicationProfile, PlannedModel, PlannedRoute } from './plan';
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
      hosting: hostingKind(m.hosting).resolve(m, env, catalog),
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
    costAllocation: { applicationProfiles: env.costAllocation?.applicationProfiles ?? 'off' },
    applicationProfiles: [],
    routingTable: undefined as unknown as RoutingTable,
    ...(env.bootstrap ? { bootstrap: plannedBootstrap(env) } : {}),
  };
  return deepFreeze({ ...plan, applicationProfiles: applicationProfilesOf(plan), routingTable: routingTableOf(plan) });
}

/** Bedrock's limit on an inference profile's name (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateInferenceProfile.html). */
export const MAX_PROFILE_NAME = 64;

/** A profile name within Bedrock's 64 characters: past it, a prefix and 8 hex digits of the whole name's SHA-256. */
export function profileName(parts: readonly string[]): string {
  const full = parts.join('-');
  if (full.length <= MAX_PROFILE_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_PROFILE_NAME - 9).replace(/[-_ ]+$/, '')}-${hash}`;
}

/**
 * The application inference profiles of an environment: per route, one per model it may call whose
 * hosting kind has one (Bedrock), in the primary Region only, and with per-consumer one more per
 * consumer. Failover Regions keep calling the system profile or the model (a profile is Regional,
 * and the spend there is rare and shows under the model, untagged).
 */
export function applicationProfilesOf(
  plan: Pick<EnvironmentPlan, 'name' | 'region' | 'routes' | 'models' | 'api' | 'costAllocation'>,
): PlannedApplicationProfile[] {
  const mode = plan.costAllocation.applicationProfiles;
  if (mode === 'off') return [];
  const consumers = mode === 'per-consumer' ? plan.api.consumers.map((c) => c.name) : [];
  const out: PlannedApplicationProfile[] = [];
  for (const route of plan.routes) {
    for (const modelId of route.candidates) {
      const model = plan.models.find((m) => m.id === modelId);
      const copyFrom = model && hostingKind(model.hosting).applicationProfileSource(model.hosting, plan.region);
      if (copyFrom === undefined) continue;
      const tags = { environment: plan.name, route: route.id, model: modelId };
      out.push({
        name: profileName(['fm', plan.name, route.id, modelId]),
        route: route.id,
        model: modelId,
        region: plan.region,
        copyFrom,
        tags,
      });
      for (const consumer of consumers)
        out.push({
          name: profileName(['fm', plan.name, route.id, modelId, consumer]),
          route: route.id,
          model: modelId,
          consumer,
          region: plan.region,
          copyFrom,
          tags: { ...tags, team: consumer },
        });
    }
  }
  return out;
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
  const consumers: NonNullable<RoutingTable['consumers']> = {};
  for (const c of plan.api.consumers)
    if ((c.limits ?? []).length > 0)
      consumers[c.name] = {
        limits: (c.limits ?? []).map((l) => ({
          id: limitId(l),
          limit: l.limit,
          hard: l.hard,
          ...(l.soft !== undefined ? { soft: l.soft } : {}),
          ...(l.route !== undefined ? { route: l.route } : {}),
          ...(l.model !== undefined ? { model: l.model } : {}),
        })),
      };
  return {
    schemaVersion: 1,
    catalogVersion: plan.catalogVersion,
    environment: plan.name,
    region: plan.region,
    logPromptText: plan.router.logPromptText,
    models,
    routes,
    ...(Object.keys(consumers).length > 0 ? { consumers } : {}),
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
    ...(m.pricing.cacheReadPerMillionTokensUsd !== undefined
      ? { cacheReadPerMillionTokensUsd: m.pricing.cacheReadPerMillionTokensUsd }
      : {}),
    ...(m.pricing.cacheWritePerMillionTokensUsd !== undefined
      ? { cacheWritePerMillionTokensUsd: m.pricing.cacheWritePerMillionTokensUsd }
      : {}),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
