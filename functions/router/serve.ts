import { API_OPERATIONS, resourcePath } from '../../contracts/http-api';
import { tableRoute, type RoutingTable } from '../../contracts/routing-table';
import { didYouMean } from '../../suggest/did-you-mean';
import type { ModelAnswer } from './backends/backend';
import type { ResponseCache } from './cache';
import { costOf, type SpendControl } from './spend';
import { AllCandidatesFailedError, InvocationError, NoCandidateError, NotFoundError, RouterError } from './errors';
import { requestFeatures } from './features';
import { echo } from './http';
import { invokeCandidates, type InvokeDeps } from './invoke';
import { recordRequest, recordTransition } from './observe';
import type { RouterRequest } from './request';
import type { AttemptRecord, RoutingRecord } from './routing-record';
import { strippedOf } from './model-fields';
import { coolDownSeconds } from './retry-after';
import type { RoutingTableSource } from './routing-table-source';
import { selectCandidates, type Candidate } from './select';

export interface RouterDeps extends InvokeDeps {
  readonly environment: string;
  readonly tables: RoutingTableSource;
  /** The response cache; absent where no route of the environment caches (no table). */
  readonly cache?: ResponseCache;
  /** Consumers' spend limits on the shared ledger; absent where no consumer has limits (no table). */
  readonly spend?: SpendControl;
}

export interface Served {
  readonly answer: ModelAnswer;
  readonly modelId: string;
  readonly routing: RoutingRecord;
  /** Response headers of the stages around the model call (the consumer's rate limits). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Resolves a route, chooses candidates, invokes them, and records the outcome (logs, metrics). */
export async function serveRoute(
  deps: RouterDeps,
  routeId: string,
  request: RouterRequest,
  requestId: string,
  /** The consumer whose key made the request; undefined for SigV4 callers. */
  consumer?: string,
): Promise<Served> {
  const started = performance.now();
  let table: RoutingTable | undefined;
  let attempts: readonly AttemptRecord[] = [];
  let rule: string | undefined;
  let tried: { readonly candidates: readonly Candidate[]; readonly backoffMaxMs: number } | undefined;
  try {
    table = await deps.tables.get();
    const route = tableRoute(table, routeId);
    if (route === undefined) {
      const hint = didYouMean(routeId, Object.keys(table.routes));
      throw new NotFoundError(
        `no route ${echo(routeId)}${hint ? `; ${hint}` : ''} (${API_OPERATIONS.listRoutes.method} ${resourcePath('listRoutes')} lists them)`,
        'route_not_found',
      );
    }
    const features = requestFeatures(request);
    const selection = selectCandidates(table, route, features, request.metadata);
    rule = selection.rule;
    tried = { candidates: selection.candidates, backoffMaxMs: route.resilience.backoff.maxMs };
    if (selection.candidates.length === 0)
      throw new NoCandidateError(
        `no model of route "${routeId}" can take this request: ${selection.skipped.map((s) => `${s.model} (${s.reason})`).join(', ')}`,
      );
    const env = deps.environment;
    const done = await invokeCandidates(deps, {
      route,
      request,
      candidates: selection.candidates,
      consumer,
      onTransition: (model, region, t) => recordTransition(env, routeId, model, region, t),
    }).catch((err: unknown) => {
      if (err instanceof InvocationError) attempts = err.attempts;
      throw err;
    });
    attempts = done.attempts;
    const routing: RoutingRecord = {
      route: routeId,
      model: done.modelId,
      region: done.region,
      ...(rule !== undefined ? { rule } : {}),
      attempts: done.attempts,
      catalogVersion: table.catalogVersion,
      skipped: [...selection.skipped, ...done.circuitSkips],
      costUsd: costOf(table, done.modelId, done.answer),
      ...strippedOf(table.models[done.modelId], request),
    };
    recordRequest({
      environment: env,
      requestId,
      route: routeId,
      table,
      status: 200,
      latencyMs: Math.round(performance.now() - started),
      model: done.modelId,
      region: done.region,
      rule,
      attempts,
      fellBack: done.modelId !== selection.candidates[0]?.modelId,
      request,
      answer: done.answer,
    });
    return { answer: done.answer, modelId: done.modelId, routing };
  } catch (err) {
    if (err instanceof AllCandidatesFailedError && err.status !== 504 && tried !== undefined)
      err.retryAfterSeconds ??= await coolDownSeconds(deps.breaker, tried.candidates, tried.backoffMaxMs);
    const status = err instanceof RouterError ? err.status : 500;
    recordRequest({
      environment: deps.environment,
      requestId,
      route: routeId,
      table,
      status,
      latencyMs: Math.round(performance.now() - started),
      rule,
      attempts,
      fellBack: false,
      errorCode: err instanceof RouterError ? err.code : 'internal_error',
      request,
    });
    throw err;
  }
}
