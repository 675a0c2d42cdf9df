import { createHandler, routerDeps, type Handler } from './app';
import { readEnv } from './env';
import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from './http-types';

/**
 * The router Lambda (`index.handler`). Dependencies (SDK clients, the routing-table getter, the
 * circuit breaker) are built once per execution environment, on the first event, and reused.
 * Contract with the stack: FM_ENVIRONMENT, FM_APPCONFIG_APPLICATION / _ENVIRONMENT / _PROFILE,
 * FM_CIRCUIT_TABLE, AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS, AWS_REGION; routing-table.json
 * beside the bundle is the baked last-known-good table.
 */
let app: Handler | undefined;

export async function handler(event: APIGatewayProxyEventLike): Promise<APIGatewayProxyResultLike> {
  app ??= createHandler(routerDeps(readEnv()));
  return app(event);
}
