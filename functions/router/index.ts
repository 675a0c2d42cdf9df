import { createHandler, routerDeps, type Handler } from './app';
import { readEnv } from './env';
import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from './http-types';

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
