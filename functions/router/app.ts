import { randomUUID } from 'node:crypto';
import { API_OPERATIONS, operationList, pathPattern } from '../../contracts/http-api';
import { BACKENDS } from './backends';
import { ResponseCache, ResponseCacheStore, serveCached } from './cache';
import { consumerOf } from './consumer';
import { CircuitBreaker } from './circuit';
import { CircuitStore } from './circuit-store';
import { dynamoClient } from './clients';
import type { RouterEnv } from './env';
import { BadRequestError, MethodNotAllowedError, NotFoundError, errorResponse } from './errors';
import { echo, jsonBody, jsonResponse } from './http';
import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from './http-types';
import { log } from './log';
import { modelList, modelOf } from './models-list';
import { recordTableNotFound, recordTableRejected } from './observe';
import { chatCompletionRequest, chatCompletionResponse } from './openai';
import { checkGuardrail } from './guardrail';
import { checkedBackends } from './openai/structured';
import { converseRequest } from './request';
import { strippedHeader } from './routing-record';
import { RoutingTableSource } from './routing-table-source';
import { serveRoute, type RouterDeps, type Served } from './serve';
import { costHeader, LedgerStore, serveWithinLimits, spendControl } from './spend';

export type Handler = (event: APIGatewayProxyEventLike) => Promise<APIGatewayProxyResultLike>;

/** How long a circuit item read from DynamoDB is trusted in memory. */
export const CIRCUIT_CACHE_MS = 1000;

/** The production wiring: AppConfig extension table source, DynamoDB breaker, SDK backends. */
export function routerDeps(env: RouterEnv): RouterDeps {
  return {
    environment: env.environment,
    tables: new RoutingTableSource({
      url: env.appConfigUrl,
      pollIntervalMs: env.pollIntervalMs,
      bakedPath: env.bakedTablePath,
      ...(env.deployedTargetsJson !== undefined ? { deployedTargetsJson: env.deployedTargetsJson } : {}),
      onNotFound: () => recordTableNotFound(env.environment),
      environment: env.environment,
      onRejected: () => recordTableRejected(env.environment),
    }),
    breaker: new CircuitBreaker(
      env.circuitTable ? new CircuitStore(dynamoClient(env.region), env.circuitTable) : undefined,
      { cacheMs: CIRCUIT_CACHE_MS },
    ),
    backends: BACKENDS,
    ...(env.cacheTable
      ? { cache: new ResponseCache(new ResponseCacheStore(dynamoClient(env.region), env.cacheTable), env.environment) }
      : {}),
    ...(env.spendTable
      ? { spend: spendControl(new LedgerStore(dynamoClient(env.region), env.spendTable), env.environment) }
      : {}),
  };
}

const CONVERSE_PATH = pathPattern('converse');
const CHAT_PATH = pathPattern('chatCompletions');
const ROUTES_PATH = pathPattern('listRoutes');
const MODELS_PATH = pathPattern('listModels');
const MODEL_PATH = pathPattern('getModel');
const CONVERSE_STREAM_PATH = pathPattern('converseStream');

function servedHeaders(served: Served): Record<string, string> {
  return {
    'x-fm-route': served.routing.route,
    'x-fm-model': served.modelId,
    'x-fm-catalog-version': served.routing.catalogVersion,
    ...costHeader(served.routing),
    ...strippedHeader(served.routing),
    ...served.headers,
  };
}

export function requireMethod(event: APIGatewayProxyEventLike, method: string): void {
  if (event.httpMethod.toUpperCase() !== method) throw new MethodNotAllowedError(`${event.path} takes ${method}`);
}

/** A thin handler: parse, resolve the route, invoke, map errors. Every answer names its request (x-request-id, as OpenAI's API does). */
export function createHandler(deps: RouterDeps): Handler {
  const handle = routeHandler(deps);
  return async (event) => {
    const requestId = event.requestContext?.requestId ?? randomUUID();
    const out = await handle(event, requestId);
    out.headers = { ...out.headers, 'x-request-id': requestId };
    return out;
  };
}

function routeHandler(
  deps: RouterDeps,
): (event: APIGatewayProxyEventLike, requestId: string) => Promise<APIGatewayProxyResultLike> {
  return async (event, requestId) => {
    try {
      const path = event.path ?? '';
      let m: RegExpExecArray | null;
      if ((m = CONVERSE_PATH.exec(path))) {
        requireMethod(event, API_OPERATIONS.converse.method);
        let routeId = m[1];
        try {
          routeId = decodeURIComponent(event.pathParameters?.route ?? m[1]);
        } catch (err) {
          throw new NotFoundError(`no route ${echo(m[1])}`, 'route_not_found', { cause: err });
        }
        const request = converseRequest(jsonBody(event));
        // Only a request that names a guardrail reads the table here (a read may poll AppConfig).
        if (request.guardrailConfig !== undefined) checkGuardrail(await deps.tables.get(), routeId, request);
        const { served, cacheHeaders } = await serveCached(deps, event, routeId, request, requestId, (d) =>
          serveWithinLimits(d, event, routeId, request, () =>
            serveRoute(d, routeId, request, requestId, consumerOf(event)),
          ),
        );
        return jsonResponse(
          200,
          {
            output: { message: { role: 'assistant', content: served.answer.content } },
            stopReason: served.answer.stopReason,
            usage: served.answer.usage,
            ...(served.answer.metrics !== undefined ? { metrics: served.answer.metrics } : {}),
            ...(served.answer.additionalModelResponseFields !== undefined
              ? { additionalModelResponseFields: served.answer.additionalModelResponseFields }
              : {}),
            model: served.modelId,
            routing: served.routing,
          },
          { ...servedHeaders(served), ...cacheHeaders },
        );
      }
      if (CHAT_PATH.test(path)) {
        requireMethod(event, API_OPERATIONS.chatCompletions.method);
        const { routeId, request, stream, answerCheck } = chatCompletionRequest(jsonBody(event));
        if (stream !== undefined)
          throw new BadRequestError(
            'stream: true is answered by the streaming handler (npm run dev, or the streaming integration); this one answers whole responses',
            'unsupported_parameter',
            { param: 'stream' },
          );
        const serve = (d: RouterDeps): Promise<Served> =>
          serveWithinLimits(d, event, routeId, request, () =>
            serveRoute(
              answerCheck ? { ...d, backends: checkedBackends(d.backends, answerCheck) } : d,
              routeId,
              request,
              requestId,
              consumerOf(event),
            ),
          );
        const { served, cacheHeaders } = await serveCached(
          deps,
          event,
          routeId,
          request,
          requestId,
          serve,
          answerCheck?.key,
        );
        return jsonResponse(
          200,
          {
            ...chatCompletionResponse(requestId, served.modelId, served.answer, Math.floor(Date.now() / 1000)),
            routing: served.routing,
          },
          { ...servedHeaders(served), ...cacheHeaders },
        );
      }
      if (ROUTES_PATH.test(path)) {
        requireMethod(event, API_OPERATIONS.listRoutes.method);
        const table = await deps.tables.get();
        const routes = Object.entries(table.routes).map(([id, r]) => ({
          id,
          description: r.description,
          strategy: r.strategy,
          target: r.target,
          fallbacks: r.fallbacks,
          rules: r.rules.map((x) => ({ name: x.name, target: x.target })),
          models: [...new Set([r.target, ...r.rules.map((x) => x.target), ...r.fallbacks])],
        }));
        return jsonResponse(
          200,
          {
            object: 'list',
            catalogVersion: table.catalogVersion,
            environment: table.environment,
            routes,
            data: routes.map((r) => ({ id: r.id, object: 'model', owned_by: 'fm-platform' })),
          },
          { 'x-fm-catalog-version': table.catalogVersion },
        );
      }
      if (MODELS_PATH.test(path)) {
        requireMethod(event, API_OPERATIONS.listModels.method);
        const table = await deps.tables.get();
        return jsonResponse(200, modelList(table), { 'x-fm-catalog-version': table.catalogVersion });
      }
      if ((m = MODEL_PATH.exec(path))) {
        requireMethod(event, API_OPERATIONS.getModel.method);
        let id = m[1];
        try {
          id = decodeURIComponent(m[1]);
        } catch (err) {
          throw new NotFoundError(`The model '${m[1].slice(0, 200)}' does not exist`, 'model_not_found', {
            cause: err,
          });
        }
        const table = await deps.tables.get();
        return jsonResponse(200, modelOf(table, id), { 'x-fm-catalog-version': table.catalogVersion });
      }
      if (CONVERSE_STREAM_PATH.test(path))
        throw new NotFoundError(
          `${path} streams: it is served by the router's streaming entry (its function URL in AWS, npm run dev locally), not this whole-response integration`,
        );
      throw new NotFoundError(`no such path: ${echo(`${event.httpMethod} ${path}`)} (${operationList()})`);
    } catch (err) {
      const { status, body, headers } = errorResponse(err, requestId);
      if (status >= 500 && body.error.code === 'internal_error')
        log('error', 'unexpected error', {
          requestId,
          error: err instanceof Error ? (err.stack ?? err.message) : String(err),
        });
      return jsonResponse(status, body, headers);
    }
  };
}
