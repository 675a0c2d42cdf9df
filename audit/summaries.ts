import type { LoadedProject } from '../catalog';
import type { EnvironmentPlan, PlannedBedrockHosting, PlannedModel, PlannedRoute, PlannedSagemakerHosting } from '../catalog/plan';
import { suggestReplacement } from '../selection/rank';
import type { EndpointSummary, LifecycleNotice, ModelSummary, RouteSummary } from './types';

/** Models reaching end of life within this many days are listed, unless the environment says otherwise. */
const DEFAULT_LIFECYCLE_WINDOW_DAYS = 90;
const LIFECYCLE_NOTICED = new Set(['legacy', 'deprecated', 'retired']);

export function routeSummary(r: PlannedRoute): RouteSummary {
  return {
    id: r.id,
    strategy: r.strategy,
    target: r.target,
    rules: r.rules.map((rule) => ({ name: rule.name, when: describeCondition(rule.when), target: rule.target })),
    fallbacks: r.fallbacks,
  };
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

export function modelSummary(m: PlannedModel): ModelSummary {
  return {
    id: m.id,
    name: m.name,
    ...(m.hosting.type === 'bedrock' ? bedrockCalls(m.hosting) : sagemakerCalls(m.hosting)),
    status: m.lifecycle.status,
    replacement: m.lifecycle.replacement ?? null,
    routes: m.routes,
  };
}

type HostingColumns = Pick<ModelSummary, 'hosting' | 'regions' | 'invokeIds' | 'inferenceProfile'>;

/** A Bedrock model is called in each invocation Region, by model or profile id. */
function bedrockCalls(h: PlannedBedrockHosting): HostingColumns {
  const geographies = [...new Set(h.invocations.flatMap((i) => (i.profile ? [i.profile.geography] : [])))];
  return {
    hosting: 'bedrock',
    regions: h.invocations.map((i) => i.region),
    invokeIds: [...new Set(h.invocations.map((i) => i.invokeId))],
    inferenceProfile: geographies.join(', ') || null,
  };
}

/** A SageMaker model is called on its one endpoint. */
function sagemakerCalls(h: PlannedSagemakerHosting): HostingColumns {
  return { hosting: 'sagemaker', regions: [h.region], invokeIds: [h.endpointName], inferenceProfile: null };
}

/** The SageMaker endpoints of an environment, in model order. */
export function endpointSummaries(plan: EnvironmentPlan): EndpointSummary[] {
  return plan.models.flatMap((m) => (m.hosting.type === 'sagemaker' ? [endpointSummary(m.id, m.hosting)] : []));
}

function endpointSummary(model: string, h: PlannedSagemakerHosting): EndpointSummary {
  const cap = h.capacity;
  const r = h.rollout;
  return {
    model,
    endpointName: h.endpointName,
    capacity: cap.mode === 'serverless' ? `serverless, ${cap.memorySizeMb} MB, ${cap.maxConcurrency} concurrent` : `${cap.instanceCount} × ${cap.instanceType}`,
    rollout: r.type === 'all-at-once' ? 'blue/green, all at once' : `blue/green ${r.type} ${r.stepPercent ?? '?'}%, bake ${r.waitIntervalSeconds ?? 0} s, alarm rollback`,
    adapters: h.adapters.map((a) => a.name),
  };
}

/**
 * Models past their prime (legacy, deprecated, retired) or reaching end of life within the
 * environment's window, each with its replacement, or the one npm run select suggests.
 */
export function lifecycleNotices(plan: EnvironmentPlan, project: LoadedProject, today: string): LifecycleNotice[] {
  const windowDays = project.environments.find((e) => e.name === plan.name)?.audit?.lifecycleWindowDays ?? DEFAULT_LIFECYCLE_WINDOW_DAYS;
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  return plan.models.flatMap((m) => {
    const { status, endOfLifeOn, replacement } = m.lifecycle;
    if (!LIFECYCLE_NOTICED.has(status) && !(endOfLifeOn !== undefined && day(endOfLifeOn) - day(today) <= windowDays)) return [];
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
