import { createHandler, routerDeps, type Handler } from './app';
import { readEnv } from './env';
import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from './http-types';
import { lambdaStreamingHandler } from './lambda-stream';
import { createStreamingHandler, type StreamingHandler } from './stream-app';

/**
 * The router Lambda (`index.handler`). Dependencies (SDK clients, the routing-table getter, the
 * circuit breaker) are built once per execution environment, on the first event, and reused.
 * Contract with the stack: the environment variables of contracts/router-env.ts, and the package
 * of contracts/router-package.ts (this module's `handler` export, the baked last-known-good table
 * beside the bundle).
 */
let app: Handler | undefined;

export async function handler(event: APIGatewayProxyEventLike): Promise<APIGatewayProxyResultLike> {
  app ??= createHandler(routerDeps(readEnv()));
  return app(event);
}

/**
 * The streaming entry (`index.streamingHandler`), for an integration that invokes with response
 * streaming: chat completions with `stream: true` and converse-stream stream, every other request
 * is answered whole through it. Built once per execution environment, like `handler`.
 */
let streaming: StreamingHandler | undefined;

export const streamingHandler = lambdaStreamingHandler(
  () => (streaming ??= createStreamingHandler(routerDeps(readEnv()))),
);
