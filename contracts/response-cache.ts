/**
 * The response cache: the table the stack creates (modules/cache-table) where some route caches,
 * the router reads and writes (functions/router/cache), and the simulator and `npm run dev` create
 * in dynalite. One item per cached answer, keyed by the SHA-256 of the normalized request (no
 * prompt text in the key), expired by DynamoDB TTL on `expiresAt` (epoch seconds).
 */
export const CACHE_TABLE_KEYS = { partitionKey: 'pk', expiry: 'expiresAt' } as const;

/** The response header that says what the cache did: `hit`, `miss` (looked up, not found) or `bypass`. */
export const CACHE_STATUS_HEADER = 'x-fm-cache';

export type CacheStatus = 'hit' | 'miss' | 'bypass';
