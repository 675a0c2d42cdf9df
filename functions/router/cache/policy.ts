import { consumerOf } from '../consumer';
import type { TableRoute } from '../../../contracts/routing-table';
import type { APIGatewayProxyEventLike } from '../http-types';
import type { RouterRequest } from '../request';

/** Why the cache did not serve a request of a caching route (a log field and the answer's x-fm-cache: bypass). */
export type BypassReason = 'no-cache' | 'temperature' | 'no-consumer';

/** What the cache does for one request. */
export type CacheDecision =
  | { readonly use: false; readonly reason?: BypassReason }
  | {
      readonly use: true;
      /** Look the request up (false under Cache-Control: no-cache: the model answers, the answer may still be stored). */
      readonly lookup: boolean;
      /** Store the answer (false under Cache-Control: no-store). */
      readonly store: boolean;
      /** The consumer the answer belongs to; undefined when the route shares answers. */
      readonly scope: string | undefined;
    };

/** The request's Cache-Control directives (RFC 9111 §5.2.1), lower-cased, arguments dropped. */
function cacheControl(event: APIGatewayProxyEventLike): Set<string> {
  const headers = event.headers ?? {};
  const raw = Object.entries(headers).find(([k]) => k.toLowerCase() === 'cache-control')?.[1] ?? '';
  return new Set(
    raw
      .split(',')
      .map((d) => d.split('=')[0].trim().toLowerCase())
      .filter(Boolean),
  );
}

/**
 * Decides from the route's `cache` setting, the request and its headers. A route that does not
 * cache: `{ use: false }` with no reason (no header, no metric). A route that does: bypass for a
 * temperature it does not cache (an unset temperature is the model's default, which samples), for
 * a caller with no consumer when answers are per consumer (a SigV4 caller: sharing one anonymous
 * scope between every IAM caller would hand one's answers to another), and for `no-cache` with
 * `no-store` together; `no-cache` alone skips the lookup and still stores the fresh answer, as an
 * HTTP cache does.
 */
export function cacheDecision(
  route: TableRoute,
  request: RouterRequest,
  event: APIGatewayProxyEventLike,
): CacheDecision {
  const cache = route.cache;
  if (cache === undefined) return { use: false };
  if (cache.requests === 'temperature-zero' && request.inferenceConfig?.temperature !== 0)
    return { use: false, reason: 'temperature' };
  const scope = cache.sharedAcrossConsumers ? undefined : consumerOf(event);
  if (!cache.sharedAcrossConsumers && scope === undefined) return { use: false, reason: 'no-consumer' };
  const directives = cacheControl(event);
  const lookup = !directives.has('no-cache');
  const store = !directives.has('no-store');
  if (!lookup && !store) return { use: false, reason: 'no-cache' };
  return { use: true, lookup, store, scope };
}
