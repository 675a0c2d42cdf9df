import type { Model } from '../schemas/generated/model-catalog';
import type { RoutingTable, TableModel, TableRoute } from '../contracts/routing-table';
import { endpointName } from './names';
import type { BedrockInvocation, EnvironmentPlan, PlannedModel, PlannedRoute, PlannedSagemakerHosting } from './plan';
import { foundationModelArn, inferenceProfileArn, inferenceProfileId } from './regions';
import { effectiveRoutes, type EnvironmentContext } from './rules';

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
    candidates: unique([eff.target, ...eff.rules.map((r) => r.target), ...eff.fallbacks]),
    requirements: eff.route.requirements,
    resilience: { ...eff.route.resilience, latencyBudgetMs: eff.latencyBudgetMs },
    ...(eff.route.guardrail ? { guardrail: eff.route.guardrail } : {}),
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
      hosting: m.hosting.type === 'bedrock' ? { type: 'bedrock', modelId: m.hosting.modelId, invocations: bedrockInvocations(m, ctx) } : sagemakerHosting(m, ctx),
      routes: usedBy.get(m.id)!,
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
      waf: { enabled: env.api.waf?.enabled ?? false, rateLimitPer5Minutes: env.api.waf?.rateLimitPer5Minutes ?? 2000 },
    },
    router: { memoryMb: env.router.memoryMb, reservedConcurrency: env.router.reservedConcurrency, logPromptText: env.router.logPromptText ?? false },
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
    routingTable: undefined as unknown as RoutingTable,
  };
  return deepFreeze({ ...plan, routingTable: routingTableOf(plan) });
}

/** The routing table the router reads: only what it needs to choose and call a model. */
export function routingTableOf(plan: Omit<EnvironmentPlan, 'routingTable'>): RoutingTable {
  const models: Record<string, TableModel> = {};
  for (const m of plan.models) {
    const h = m.hosting;
    models[m.id] = {
      provider: m.provider,
      hosting: h.type,
      targets: h.type === 'bedrock' ? nonEmpty(h.invocations.map((i) => ({ region: i.region, id: i.invokeId })), m.id) : [{ region: h.region, id: h.endpointName }],
      ...(h.type === 'sagemaker' && h.adapters.length > 0 ? { adapters: h.adapters.map((a) => ({ name: a.name })) } : {}),
      contextWindowTokens: m.capabilities.contextWindowTokens,
      maxOutputTokens: m.capabilities.maxOutputTokens,
      inputModalities: [...m.capabilities.inputModalities],
      languages: [...m.capabilities.languages],
      toolUse: m.capabilities.toolUse,
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
 * Token prices for the cost metric. A SageMaker model is paid by the instance-hour, not the token;
 * its marginal token price is 0 and its instance cost is estimated separately.
 */
function tokenPricing(m: PlannedModel): TableModel['pricing'] {
  return { inputPerMillionTokensUsd: m.pricing.inputPerMillionTokensUsd ?? 0, outputPerMillionTokensUsd: m.pricing.outputPerMillionTokensUsd ?? 0 };
}

function bedrockInvocations(m: Model, ctx: EnvironmentContext): BedrockInvocation[] {
  if (m.hosting.type !== 'bedrock') return [];
  const { modelId } = m.hosting;
  const profiles = m.hosting.inferenceProfiles ?? [];
  const direct = m.hosting.regions ?? [];
  const out: BedrockInvocation[] = [];
  for (const region of [ctx.env.region, ...(ctx.env.failoverRegions ?? [])]) {
    const profile = profiles.find((p) => p.regions.includes(region));
    if (profile) {
      const id = inferenceProfileId(profile.geography, modelId);
      out.push({
        region,
        invokeId: id,
        profile: { geography: profile.geography, arn: inferenceProfileArn(region, ctx.env.account, id), destinationRegions: profile.regions },
        foundationModelArns: profile.regions.map((r) => foundationModelArn(r, modelId)),
      });
    } else if (direct.includes(region)) {
      out.push({ region, invokeId: modelId, foundationModelArns: [foundationModelArn(region, modelId)] });
    }
  }
  return out;
}

function sagemakerHosting(m: Model, ctx: EnvironmentContext): PlannedSagemakerHosting {
  if (m.hosting.type !== 'sagemaker') throw new Error(`model ${m.id} is not hosted on SageMaker`);
  const h = m.hosting;
  const cap = ctx.env.sagemaker?.endpoints?.[m.id];
  const name = endpointName(ctx.env.name, m.id);
  return {
    type: 'sagemaker',
    region: ctx.env.region,
    endpointName: name,
    image: h.image,
    ...(h.modelDataUrl ? { modelDataUrl: h.modelDataUrl } : {}),
    ...(h.modelRegistry ? { modelRegistry: { packageGroup: h.modelRegistry.packageGroup ?? m.family, approvedVersion: h.modelRegistry.approvedVersion } } : {}),
    environment: h.environment ?? {},
    adapters: (h.adapters ?? []).map((a) => ({ name: a.name, artifactUrl: a.artifactUrl })),
    capacity:
      cap?.mode === 'serverless'
        ? { mode: 'serverless', memorySizeMb: cap.memorySizeMb!, maxConcurrency: cap.maxConcurrency! }
        : instanceCapacity(cap?.instanceType ?? h.instanceType!, cap?.instanceCount ?? h.instanceCount ?? 1, cap?.instanceHourUsd ?? (cap?.instanceType === undefined || cap.instanceType === h.instanceType ? m.pricing.instanceHourUsd : undefined)),
    rollout: ctx.env.sagemaker?.rollout ?? { type: 'all-at-once' },
  };
}

/** The rules guarantee a model used here is invocable in the primary Region; an empty list is a bug. */
function nonEmpty<T>(items: T[], modelId: string): [T, ...T[]] {
  if (items.length === 0) throw new Error(`internal error: model ${modelId} has no invocation target`);
  return items as [T, ...T[]];
}

function instanceCapacity(instanceType: string, instanceCount: number, instanceHourUsd: number | undefined): PlannedSagemakerHosting['capacity'] {
  return { mode: 'instances', instanceType, instanceCount, ...(instanceHourUsd !== undefined ? { instanceHourUsd } : {}) };
}

function unique<T>(items: readonly T[]): T[] {
  return items.filter((x, i) => items.indexOf(x) === i);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
