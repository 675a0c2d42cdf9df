/**
 * The HTTP API: the operations API Gateway serves (modules/api builds one resource and Lambda proxy
 * method per operation) and the router answers (functions/router matches the same paths); the
 * resilience workflows call the router with a proxy event on the converse path, and the evaluation
 * client calls a deployed API on it.
 */
export const API_OPERATIONS = {
  /** A Converse-shaped body to one route. */
  converse: { method: 'POST', path: ['v1', 'routes', '{route}', 'converse'] },
  /**
   * The OpenAI-compatible chat completions API; the body's `model` names the route. It streams when
   * the body says `stream: true` and answers whole otherwise, from the same path: so it is served
   * by the router's streaming entry, which answers a whole request in one piece.
   */
  chatCompletions: { method: 'POST', path: ['v1', 'chat', 'completions'], streaming: 'on-request' },
  /** The routes and their models. */
  listRoutes: { method: 'GET', path: ['v1', 'routes'] },
  /** A Converse-shaped body to one route, answered as a stream of Converse events (JSON lines). */
  converseStream: { method: 'POST', path: ['v1', 'routes', '{route}', 'converse-stream'], streaming: 'always' },
  /** The routes in OpenAI's model-list shape (what `models.list()` and chat UIs call). */
  listModels: { method: 'GET', path: ['v1', 'models'] },
  /** One route in OpenAI's model shape. */
  getModel: { method: 'GET', path: ['v1', 'models', '{model}'] },
} as const;
export type ApiOperation = keyof typeof API_OPERATIONS;

/**
 * Whether an operation may stream: served by the router's streaming entry (`streamingHandler`,
 * invoked with response streaming: API Gateway's STREAM transfer mode), not the buffered one.
 */
export const isStreamingOperation = (operation: ApiOperation): boolean => 'streaming' in API_OPERATIONS[operation];

/** The path template, as API Gateway names the resource: `/v1/routes/{route}/converse`. */
export function resourcePath(operation: ApiOperation): string {
  return `/${API_OPERATIONS[operation].path.join('/')}`;
}

/** The converse path of one route, the route URI-encoded: `/v1/routes/chat/converse`. */
export function conversePath(route: string): string {
  return resourcePath('converse').replace('{route}', () => encodeURIComponent(route));
}

/**
 * Matches a request path that is the operation's path (one trailing slash allowed), capturing each
 * path parameter in order. Anchored at both ends: API Gateway's proxy event carries the resource
 * path without the stage, and a path with anything before it (`/evil/v1/routes/chat/converse`)
 * is no operation of this API.
 */
export function pathPattern(operation: ApiOperation): RegExp {
  const segments = API_OPERATIONS[operation].path.map((segment) =>
    /^\{.+\}$/.test(segment) ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
  );
  return new RegExp(`^/${segments.join('/')}/?$`);
}

/** Every operation as `METHOD /path`, for messages: `POST /v1/routes/{route}/converse, …`. */
export function operationList(): string {
  return (Object.keys(API_OPERATIONS) as ApiOperation[])
    .map((o) => `${API_OPERATIONS[o].method} ${resourcePath(o)}`)
    .join(', ');
}
