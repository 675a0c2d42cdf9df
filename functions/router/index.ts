import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from './http-types';

/**
 * Skeleton of the router Lambda: the entry point and its contract with the stack are fixed here
 * (handler name, environment variables, the baked routing-table.json beside the bundle); the router
 * issue fills in selection and invocation.
 */
export async function handler(_event: APIGatewayProxyEventLike): Promise<APIGatewayProxyResultLike> {
  return Promise.resolve({
    statusCode: 503,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: { code: 'router_not_built', message: 'the router is not built yet' } }),
  });
}
