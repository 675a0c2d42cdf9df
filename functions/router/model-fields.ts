import type { ContentBlock, SystemContentBlock, Tool } from '@aws-sdk/client-bedrock-runtime';
import type { TableModel } from '../../contracts/routing-table';
import type { RouterRequest } from './request';

/**
 * Request fields that only some models take, by their catalog capabilities, which the router
 * leaves out for the others instead of sending them to a model that refuses them (Bedrock answers
 * a cachePoint to a model without prompt caching with an error): an optimization the caller asked
 * for, never its content, so the candidate still serves the request, at full price or standard
 * latency. Each answer names what its model was not given (`routing.stripped`, header
 * `x-fm-stripped`).
 * - `cachePoint` blocks (messages, system, tools): Bedrock prompt caching
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/prompt-caching.html).
 * - `performanceConfig` `{ "latency": "optimized" }`: latency-optimized inference
 *   (https://docs.aws.amazon.com/bedrock/latest/userguide/latency-optimized-inference.html);
 *   `standard` is what every model gives and is not sent either.
 */
export type StrippedField = 'cachePoint' | 'performanceConfig';

const hasCachePoint = (blocks: readonly object[] | undefined): boolean =>
  (blocks ?? []).some((b) => 'cachePoint' in b && (b as { cachePoint?: unknown }).cachePoint !== undefined);

/** Whether the request carries any cachePoint block. */
export function requestHasCachePoint(request: RouterRequest): boolean {
  return (
    request.messages.some((m) => hasCachePoint(m.content)) ||
    hasCachePoint(request.system) ||
    hasCachePoint(request.toolConfig?.tools)
  );
}

/** What this model does not take of the request (empty for most requests). */
export function strippedFor(model: TableModel, request: RouterRequest): StrippedField[] {
  const stripped: StrippedField[] = [];
  if (model.promptCaching !== true && requestHasCachePoint(request)) stripped.push('cachePoint');
  if (request.performanceConfig?.latency === 'optimized' && model.latencyOptimized !== true)
    stripped.push('performanceConfig');
  return stripped;
}

const withoutCachePoints = <T extends object>(blocks: T[]): T[] => blocks.filter((b) => !('cachePoint' in b));

/** The request as this model is sent it: the fields it does not take left out, performanceConfig only where it applies. */
export function requestFor(model: TableModel, request: RouterRequest): RouterRequest {
  const stripped = strippedFor(model, request);
  const { performanceConfig, ...rest } = request;
  const keepPerformance = performanceConfig?.latency === 'optimized' && !stripped.includes('performanceConfig');
  if (!stripped.includes('cachePoint')) return keepPerformance ? request : rest;
  return {
    ...rest,
    ...(keepPerformance ? { performanceConfig } : {}),
    messages: request.messages.map((m) => ({
      ...m,
      content: withoutCachePoints<ContentBlock>(m.content ?? []),
    })),
    ...(request.system !== undefined ? { system: withoutCachePoints<SystemContentBlock>(request.system) } : {}),
    ...(request.toolConfig !== undefined
      ? { toolConfig: { ...request.toolConfig, tools: withoutCachePoints<Tool>(request.toolConfig.tools ?? []) } }
      : {}),
  };
}

/** routing.stripped for the answering model, when it left anything out. */
export function strippedOf(model: TableModel | undefined, request: RouterRequest): { stripped?: StrippedField[] } {
  const stripped = model === undefined ? [] : strippedFor(model, request);
  return stripped.length > 0 ? { stripped } : {};
}
