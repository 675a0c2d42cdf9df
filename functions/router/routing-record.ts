import type { ErrorKind } from '../../contracts/error-kinds';
import type { CacheStatus } from '../../contracts/response-cache';

/** One call to one model in one Region, as reported in the `routing` record and logs. */
export interface AttemptRecord {
  readonly model: string;
  readonly region: string;
  /** Absent when the attempt answered. */
  readonly errorKind?: ErrorKind;
  readonly latencyMs: number;
}

/** The `routing` record of a response: what was chosen and why. */
export interface RoutingRecord {
  readonly route: string;
  readonly model: string;
  readonly region: string;
  /** The content-based rule that chose the first candidate; absent for the route's default target. */
  readonly rule?: string;
  readonly attempts: readonly AttemptRecord[];
  readonly catalogVersion: string;
  /** Candidates skipped before any call, with why. */
  readonly skipped: readonly { readonly model: string; readonly reason: string }[];
  /** What the response cache did, on a route that caches: hit (no model call), miss or bypass. */
  readonly cache?: CacheStatus;
  /** Catalog prices × the answer's usage, USD (cache tokens at the catalog's cache prices); 0 for a cache hit. */
  readonly costUsd?: number;
  /** Request fields the answering model's capabilities do not take, left out for it (model-fields.ts). */
  readonly stripped?: readonly string[];
}

/** The header naming what the answering model was not sent (routing.stripped), when anything was. */
export function strippedHeader(routing: RoutingRecord): Record<string, string> {
  return routing.stripped !== undefined && routing.stripped.length > 0
    ? { 'x-fm-stripped': routing.stripped.join(', ') }
    : {};
}
