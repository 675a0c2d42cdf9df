import type { CircuitBreaker } from './circuit';
import type { Candidate } from './select';

/**
 * When any candidate of a failed request may answer again, in seconds (for Retry-After on 429 and
 * 503): the soonest of, per candidate and Region, the time its open circuit has left, or for a
 * closed circuit that throttled or failed, the route's longest backoff (the cool-down the router
 * itself would wait before retrying it). At least 1 s.
 */
export async function coolDownSeconds(
  breaker: CircuitBreaker,
  candidates: readonly Candidate[],
  backoffMaxMs: number,
): Promise<number> {
  // Read in parallel: each read is bounded by the breaker's call timeout, so an unreachable circuit
  // table delays the answer by one timeout, not one per candidate and Region.
  const open = await Promise.all(
    candidates.flatMap((c) => c.model.targets.map((t) => breaker.openForMs(c.modelId, t.region))),
  );
  let soonestMs = Number.POSITIVE_INFINITY;
  for (const openMs of open) soonestMs = Math.min(soonestMs, openMs > 0 ? openMs : backoffMaxMs);
  return Number.isFinite(soonestMs) ? Math.max(1, Math.ceil(soonestMs / 1000)) : 1;
}
