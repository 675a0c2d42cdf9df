/** Full-jitter exponential backoff: a random delay in [0, min(maxMs, baseMs * 2^(retry-1))). */
export function backoffMs(
  retry: number,
  backoff: { readonly baseMs: number; readonly maxMs: number },
  random: () => number = Math.random,
): number {
  const cap = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * cap);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
