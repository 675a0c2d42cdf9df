import { tableModel, type RoutingTable, type TableModel, type TableRoute } from '../../contracts/routing-table';
import type { RequestFeatures } from './features';

export type TableRule = TableRoute['rules'][number];

export interface Candidate {
  readonly modelId: string;
  readonly model: TableModel;
}

export interface Selection {
  /** The rule that chose the first candidate; undefined for the route's target. */
  readonly rule?: string;
  readonly candidates: readonly Candidate[];
  readonly skipped: readonly { readonly model: string; readonly reason: string }[];
}

/** Whether every condition of a rule's `when` holds (an empty `when` always holds). */
export function ruleMatches(
  when: TableRule['when'],
  features: RequestFeatures,
  metadata: Readonly<Record<string, string>>,
): boolean {
  if (when.taskTypes && !(metadata.taskType !== undefined && when.taskTypes.includes(metadata.taskType))) return false;
  if (when.minInputTokens !== undefined && features.inputTokens < when.minInputTokens) return false;
  if (when.maxInputTokens !== undefined && features.inputTokens > when.maxInputTokens) return false;
  if (when.hasImages !== undefined && features.hasImages !== when.hasImages) return false;
  if (when.hasDocuments !== undefined && features.hasDocuments !== when.hasDocuments) return false;
  if (when.languages && !(features.language !== undefined && when.languages.includes(features.language))) return false;
  for (const [k, v] of Object.entries(when.metadata ?? {})) if (metadata[k] !== v) return false;
  return true;
}

/** The first matching rule of a content-based route; static routes have none. */
export function matchingRule(
  route: TableRoute,
  features: RequestFeatures,
  metadata: Readonly<Record<string, string>>,
): TableRule | undefined {
  if (route.strategy !== 'content-based') return undefined;
  return route.rules.find((r) => ruleMatches(r.when, features, metadata));
}

/** Follows `replacement` from retired models; undefined on a cycle or a missing replacement. */
export function liveModelId(table: RoutingTable, id: string): string | undefined {
  const seen = new Set<string>();
  let current = id;
  for (;;) {
    const model = tableModel(table, current);
    if (model === undefined || model.status !== 'retired') return current;
    if (seen.has(current) || model.replacement === undefined) return undefined;
    seen.add(current);
    current = model.replacement;
  }
}

/** Why a model cannot take the request, or undefined when it can. */
export function unfitReason(model: TableModel, features: RequestFeatures): string | undefined {
  const needed = features.inputTokens + (features.maxTokens ?? 0);
  if (model.contextWindowTokens < needed) return `context window ${model.contextWindowTokens} < ~${needed} tokens`;
  if (features.maxTokens !== undefined && features.maxTokens > model.maxOutputTokens)
    return `maxTokens ${features.maxTokens} > its ${model.maxOutputTokens}`;
  if (features.hasImages && !model.inputModalities.includes('image')) return 'no image input';
  if (features.hasDocuments && !model.inputModalities.includes('document')) return 'no document input';
  if (features.hasVideo && !model.inputModalities.includes('video')) return 'no video input';
  if (features.usesTools && !model.toolUse) return 'no tool use';
  if (features.usesConverseFields && model.hosting !== 'bedrock') return 'no additional model fields (not Bedrock)';
  return undefined;
}

/**
 * Candidates in order: the matching rule's target (else the route's target), then the route's
 * fallbacks; retired models replaced, duplicates dropped, models that cannot take the request
 * skipped (circuit state is checked later, per Region, by the invoker).
 */
export function selectCandidates(
  table: RoutingTable,
  route: TableRoute,
  features: RequestFeatures,
  metadata: Readonly<Record<string, string>>,
): Selection {
  const rule = matchingRule(route, features, metadata);
  const candidates: Candidate[] = [];
  const skipped: { model: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const wanted of [rule?.target ?? route.target, ...route.fallbacks]) {
    const id = liveModelId(table, wanted);
    if (id === undefined) {
      skipped.push({ model: wanted, reason: 'retired without a live replacement' });
      continue;
    }
    if (seen.has(id)) continue;
    seen.add(id);
    const model = tableModel(table, id);
    if (model === undefined) {
      skipped.push({ model: id, reason: 'not in the routing table' });
      continue;
    }
    const reason = unfitReason(model, features);
    if (reason !== undefined) skipped.push({ model: id, reason });
    else candidates.push({ modelId: id, model });
  }
  return { rule: rule?.name, candidates, skipped };
}
