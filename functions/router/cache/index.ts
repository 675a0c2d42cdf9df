import { CACHE_STATUS_HEADER, type CacheStatus } from '../../../contracts/response-cache';
import { tableRoute, type TableRoute } from '../../../contracts/routing-table';
import type { ModelAnswer } from '../backends/backend';
import { answerEvents } from '../backends/stream';
import type { APIGatewayProxyEventLike } from '../http-types';
import { log } from '../log';
import { emitMetrics } from '../metrics';
import type { RouterRequest } from '../request';
import type { RoutingRecord } from '../routing-record';
import type { RouterDeps, Served } from '../serve';
import type { StreamWriter } from '../streaming';
import { cacheKey } from './key';
import { cacheDecision, type CacheDecision } from './policy';
import { ResponseCacheStore, type CachedAnswer } from './store';
import { PinnedTableSource } from '../routing-table-source';

export { ResponseCacheStore } from './store';

/** The bounds of a cache call: a table that is slow or down costs a request at most this long, never its answer. */
export const CACHE_TIMEOUTS = { lookupMs: 100, writeMs: 250 } as const;

/**
 * The response cache of one router instance: lookups and writes bounded by CACHE_TIMEOUTS, every
 * failure logged (its error name only) and counted (CacheErrors), never thrown.
 */
export class ResponseCache {
  constructor(
    private readonly store: ResponseCacheStore,
    private readonly environment: string,
    private readonly timeouts: { readonly lookupMs: number; readonly writeMs: number } = CACHE_TIMEOUTS,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(key: string, route: string, requestId: string): Promise<CachedAnswer | undefined> {
    try {
      return await this.store.get(key, this.now(), AbortSignal.timeout(this.timeouts.lookupMs));
    } catch (err) {
      this.failed('lookup', err, route, requestId);
      return undefined;
    }
  }

  async put(
    key: string,
    route: TableRoute,
    routeId: string,
    requestId: string,
    answer: ModelAnswer,
    routing: RoutingRecord,
  ): Promise<void> {
    if (route.cache === undefined || answer.content.length === 0) return;
    try {
      const value = { answer, modelId: routing.model, region: routing.region, storedAt: this.now() };
      const stored = await this.store.put(
        key,
        value,
        route.cache.ttlSeconds,
        AbortSignal.timeout(this.timeouts.writeMs),
      );
      if (!stored) log('info', 'answer too large to cache', { requestId, route: routeId });
    } catch (err) {
      this.failed('write', err, routeId, requestId);
    }
  }

  private failed(operation: string, err: unknown, route: string, requestId: string): void {
    log('warn', `response cache ${operation} failed`, {
      requestId,
      route,
      error: err instanceof Error ? err.name : 'Error',
    });
    emitMetrics({ environment: this.environment, route }, { CacheErrors: 1 });
  }
}

/** What one request of a route does with the cache, resolved before the model is called. */
interface CachePlan {
  readonly route: TableRoute;
  readonly decision: CacheDecision;
  readonly key?: string;
}

/**
 * Reads the table once for the request and plans the cache from it; `deps` is given back with that
 * table pinned, so the serve that follows reads no other (and polls AppConfig no second time).
 */
async function planFor<D extends RouterDeps>(
  deps: D,
  event: APIGatewayProxyEventLike,
  routeId: string,
  request: RouterRequest,
  responseFormat: string | undefined,
): Promise<{ deps: D; plan?: CachePlan }> {
  if (deps.cache === undefined) return { deps };
  // No table: the serve that follows fails with the same error, and records the failure as it always does.
  const read = deps.tables.get();
  const pinned = { ...deps, tables: new PinnedTableSource(read) };
  const table = await read.catch(() => undefined);
  if (table === undefined) return { deps: pinned };
  const route = tableRoute(table, routeId);
  if (route?.cache === undefined) return { deps: pinned };
  const decision = cacheDecision(route, request, event);
  const key = decision.use
    ? cacheKey({ environment: deps.environment, route: routeId, scope: decision.scope, request, responseFormat })
    : undefined;
  return { deps: pinned, plan: { route, decision, key } };
}

function count(deps: RouterDeps, route: string, status: CacheStatus, extra: Record<string, number> = {}): void {
  const name = status === 'hit' ? 'CacheHits' : status === 'miss' ? 'CacheMisses' : 'CacheBypasses';
  emitMetrics({ environment: deps.environment, route }, { [name]: 1, ...extra });
}

/** A hit as the router answers it: no attempts (no model call), the model and Region that answered first. */
async function hitRouting(deps: RouterDeps, routeId: string, hit: CachedAnswer): Promise<RoutingRecord> {
  const table = await deps.tables.get();
  return {
    route: routeId,
    model: hit.modelId,
    region: hit.region,
    attempts: [],
    catalogVersion: table.catalogVersion,
    skipped: [],
    cache: 'hit',
  };
}

/** Looks a request up; on a hit logs and counts it (Requests too: a hit is a request answered). */
async function lookUp(
  deps: RouterDeps,
  plan: CachePlan,
  routeId: string,
  requestId: string,
): Promise<CachedAnswer | undefined> {
  if (!plan.decision.use || !plan.decision.lookup || plan.key === undefined || deps.cache === undefined)
    return undefined;
  const started = performance.now();
  const hit = await deps.cache.lookup(plan.key, routeId, requestId);
  if (hit !== undefined) {
    const latencyMs = Math.round(performance.now() - started);
    count(deps, routeId, 'hit', { Requests: 1, Latency: latencyMs });
    log('info', 'answered from the response cache', {
      requestId,
      route: routeId,
      model: hit.modelId,
      ageSeconds: Math.round((Date.now() - hit.storedAt) / 1000),
      latencyMs,
    });
  }
  return hit;
}

function statusOf(plan: CachePlan): CacheStatus {
  return plan.decision.use && plan.decision.lookup ? 'miss' : 'bypass';
}

/**
 * The whole-response path: answers from the cache when the route caches and the request may be
 * cached, else serves it and stores the answer (awaited, bounded by CACHE_TIMEOUTS.writeMs). The
 * returned headers say what the cache did (none for a route that does not cache).
 */
export async function serveCached<D extends RouterDeps>(
  given: D,
  event: APIGatewayProxyEventLike,
  routeId: string,
  request: RouterRequest,
  requestId: string,
  serve: (deps: D) => Promise<Served>,
  responseFormat?: string,
): Promise<{ served: Served; cacheHeaders: Record<string, string> }> {
  const { deps, plan } = await planFor(given, event, routeId, request, responseFormat);
  if (plan === undefined) return { served: await serve(deps), cacheHeaders: {} };
  const hit = await lookUp(deps, plan, routeId, requestId);
  if (hit !== undefined)
    return {
      served: { answer: hit.answer, modelId: hit.modelId, routing: await hitRouting(deps, routeId, hit) },
      cacheHeaders: { [CACHE_STATUS_HEADER]: 'hit' },
    };
  const status = statusOf(plan);
  const served = await serve(deps);
  count(deps, routeId, status);
  if (plan.decision.use && plan.decision.store && plan.key !== undefined)
    await deps.cache?.put(plan.key, plan.route, routeId, requestId, served.answer, served.routing);
  return {
    served: { ...served, routing: { ...served.routing, cache: status } },
    cacheHeaders: { [CACHE_STATUS_HEADER]: status },
  };
}

/**
 * The streaming path: a hit is replayed as the events a stream of it would have had, in the
 * writer's API format (Converse events or OpenAI chunks); a miss streams from the model and stores
 * the answer once the stream ended whole (a stream that failed or was cut off is not stored).
 */
export async function streamCached<D extends RouterDeps>(
  given: D,
  event: APIGatewayProxyEventLike,
  routeId: string,
  request: RouterRequest,
  requestId: string,
  writer: StreamWriter,
  serve: (deps: D, writer: StreamWriter) => Promise<void>,
  responseFormat?: string,
): Promise<void> {
  const { deps, plan } = await planFor(given, event, routeId, request, responseFormat);
  if (plan === undefined) return serve(deps, writer);
  const hit = await lookUp(deps, plan, routeId, requestId);
  if (hit !== undefined) {
    const table = await deps.tables.get();
    writer.open(hit.modelId, {
      'x-fm-route': routeId,
      'x-fm-model': hit.modelId,
      'x-fm-catalog-version': table.catalogVersion,
      [CACHE_STATUS_HEADER]: 'hit',
    });
    for await (const e of answerEvents(hit.answer)) writer.event(e);
    writer.end(hit.answer, await hitRouting(deps, routeId, hit));
    return;
  }
  const status = statusOf(plan);
  let ended: { answer: ModelAnswer; routing: RoutingRecord } | undefined;
  await serve(deps, {
    get closed() {
      return writer.closed;
    },
    open: (modelId, headers) => writer.open(modelId, { ...headers, [CACHE_STATUS_HEADER]: status }),
    event: (e) => writer.event(e),
    // The last event (usage, routing) waits for the write: every token is out already, and a
    // caller that asks again once its stream ended finds the answer stored.
    end: (answer, routing) => {
      ended = { answer, routing };
    },
    fail: (err, id, routing) => writer.fail(err, id, { ...routing, cache: status }),
  });
  count(deps, routeId, status);
  if (ended === undefined) return;
  if (plan.decision.use && plan.decision.store && plan.key !== undefined)
    await deps.cache?.put(plan.key, plan.route, routeId, requestId, ended.answer, ended.routing);
  writer.end(ended.answer, { ...ended.routing, cache: status });
}
