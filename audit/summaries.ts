import type { LoadedProject } from '../catalog';
import type { EnvironmentPlan, PlannedModel, PlannedRoute } from '../catalog/plan';
import { hostingKind } from '../hosting';
import { suggestReplacement } from '../selection/rank';
import type { EndpointSummary, LifecycleNotice, ModelSummary, RouteSummary } from './types';

const LIFECYCLE_NOTICED = new Set(['legacy', 'deprecated', 'retired']);

export function routeSummary(r: PlannedRoute): RouteSummary {
  return {
    id: r.id,
    strategy: r.strategy,
    target: r.target,
    rules: r.rules.map((rule) => ({ name: rule.name, when: describeCondition(rule.when), target: rule.target })),
    fallbacks: r.fallbacks,
    ...(r.cache ? { cache: describeCache(r.cache) } : {}),
  };
}

/** A route's response cache in words: its TTL, whose answers, which requests. */
export function describeCache(cache: NonNullable<PlannedRoute['cache']>): string {
  const t = cache.ttlSeconds;
  const ttl =
    t % 86_400 === 0 ? `${t / 86_400} d` : t % 3600 === 0 ? `${t / 3600} h` : t % 60 === 0 ? `${t / 60} min` : `${t} s`;
  const scope = cache.sharedAcrossConsumers ? 'shared across consumers' : 'per consumer';
  return `${ttl}, ${scope}, ${cache.requests === 'all' ? 'every request' : 'temperature 0 only'}`;
}

/** A routing rule's condition in words: `task is coding and input >= 8000 tokens`. */
export function describeCondition(when: PlannedRoute['rules'][number]['when']): string {
  const parts: string[] = [];
  if (when.taskTypes) parts.push(`task is ${when.taskTypes.join(' or ')}`);
  if (when.minInputTokens !== undefined) parts.push(`input >= ${when.minInputTokens} tokens`);
  if (when.maxInputTokens !== undefined) parts.push(`input <= ${when.maxInputTokens} tokens`);
  if (when.hasImages !== undefined) parts.push(when.hasImages ? 'has images' : 'no images');
  if (when.hasDocuments !== undefined) parts.push(when.hasDocuments ? 'has documents' : 'no documents');
  if (when.languages) parts.push(`language is ${when.languages.join(' or ')}`);
  for (const [k, v] of Object.entries(when.metadata ?? {})) parts.push(`${k} = ${v}`);
  return parts.join(' and ');
}

/** A model, and where it is called as its hosting kind says. */
export function modelSummary(m: PlannedModel): ModelSummary {
  return {
    id: m.id,
    name: m.name,
    hosting: m.hosting.type,
    ...hostingKind(m.hosting).auditRow(m.hosting),
    status: m.lifecycle.status,
    replacement: m.lifecycle.replacement ?? null,
    routes: m.routes,
  };
}

/** The endpoints an environment runs for its models (SageMaker's), in model order. */
export function endpointSummaries(plan: EnvironmentPlan): EndpointSummary[] {
  return plan.models.flatMap((m) => {
    const row = hostingKind(m.hosting).endpointRow(m.hosting);
    return row ? [{ model: m.id, ...row }] : [];
  });
}

/**
 * Models past their prime (legacy, deprecated, retired) or reaching end of life within the
 * environment's window, each with its replacement, or the one npm run select suggests.
 */
export function lifecycleNotices(plan: EnvironmentPlan, project: LoadedProject, today: string): LifecycleNotice[] {
  const windowDays = plan.audit.lifecycleWindowDays;
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  return plan.models.flatMap((m) => {
    const { status, endOfLifeOn, replacement } = m.lifecycle;
    if (!LIFECYCLE_NOTICED.has(status) && !(endOfLifeOn !== undefined && day(endOfLifeOn) - day(today) <= windowDays))
      return [];
    return [
      {
        model: m.id,
        status,
        endOfLifeOn: endOfLifeOn ?? null,
        daysLeft: endOfLifeOn ? Math.round(day(endOfLifeOn) - day(today)) : null,
        replacement: replacement ?? null,
        suggested: replacement ? null : (suggestReplacement(project.catalog, m.id, plan.region)?.id ?? null),
        routes: m.routes,
      },
    ];
  });
}
