import type { TableConsumer } from '../schemas/generated/routing-table';

/**
 * Spend control: the consumers' limits and the ledger that enforces them across router instances.
 *
 * Written: the limits by catalog/resolve.ts into the routing table's `consumers` (from the
 * environment file's `api.consumers[].limits`); the ledger table by the stack (modules/spend-ledger)
 * and, locally, by sim/dynamodb.ts. Read: the router (functions/router/spend) takes leases from the
 * ledger and answers refusals with the codes and headers below; the alarms and the dashboard
 * (modules/monitoring) read the spend metrics by the names in contracts/metrics.ts.
 *
 * One ledger item per consumer, limit and window: `pk` = `<consumer>#<limit id>#<window>`, `used`
 * (N) = what the leases handed out so far minus what was given back, in the limit's unit (USD,
 * tokens, requests), expired by TTL on `expiresAt` (epoch seconds) once its window is over.
 */
export const LEDGER_TABLE_KEYS = { partitionKey: 'pk', expiry: 'expiresAt', used: 'used' } as const;

export type LimitKind = TableConsumer['limits'][number]['limit'];
export type TableLimit = TableConsumer['limits'][number];

/** The stable error code a refusal by each kind of limit answers (the body's `error.code`). */
export const LIMIT_ERROR_CODES: Readonly<Record<LimitKind, string>> = {
  monthlyBudgetUsd: 'budget_exceeded',
  tokensPerMinute: 'tokens_per_minute_exceeded',
  requestsPerMinute: 'requests_per_minute_exceeded',
};

/** Limit ids as resolve writes them: the kind, then `route:<id>` or `model:<id>` when scoped. */
export function limitId(limit: { limit: LimitKind; route?: string; model?: string }): string {
  if (limit.route !== undefined) return `${limit.limit}:route:${limit.route}`;
  if (limit.model !== undefined) return `${limit.limit}:model:${limit.model}`;
  return limit.limit;
}

/** A limit's window: its key in the ledger, when it ends (epoch ms). Budgets are per calendar month in UTC, rates per minute. */
export function limitWindow(kind: LimitKind, now: number): { readonly key: string; readonly endsAt: number } {
  if (kind === 'monthlyBudgetUsd') {
    const d = new Date(now);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth();
    return { key: `${y}-${String(m + 1).padStart(2, '0')}`, endsAt: Date.UTC(y, m + 1, 1) };
  }
  const minute = Math.floor(now / 60_000);
  return { key: `m${minute}`, endsAt: (minute + 1) * 60_000 };
}

/** The response headers of spend control: OpenAI's rate-limit names, and the cost of the request. */
export const SPEND_HEADERS = {
  limitTokens: 'x-ratelimit-limit-tokens',
  remainingTokens: 'x-ratelimit-remaining-tokens',
  resetTokens: 'x-ratelimit-reset-tokens',
  limitRequests: 'x-ratelimit-limit-requests',
  remainingRequests: 'x-ratelimit-remaining-requests',
  resetRequests: 'x-ratelimit-reset-requests',
  /** Catalog prices × the answer's usage, in USD. */
  cost: 'x-fm-cost-usd',
} as const;
