import { CIRCUIT_FAILURES, type ErrorKind } from '../../contracts/error-kinds';
import { circuitKey, type BreakerSettings, type CircuitItem } from '../../contracts/circuit';
import type { CircuitStore } from './circuit-store';
import { log } from './log';

/** What the breaker lets a caller do with one model in one Region. */
export type Admission = 'closed' | 'probe' | 'open';
export type Transition = 'opened' | 'closed' | undefined;

interface Cached {
  readonly at: number;
  readonly item: Promise<CircuitItem | undefined>;
  /** The item once known (writes know it at once, reads when they answer). */
  known?: CircuitItem;
}

/** How long answered calls are gathered before one write adds them to a window (the rate rule). */
export const SUCCESS_FLUSH_MS = 200;

/** Whether an item stops calls at `now` (open, or half-open with someone probing). */
const blocks = (item: CircuitItem | undefined, now: number): boolean =>
  item !== undefined &&
  ((item.state === 'OPEN' && (item.openUntil ?? 0) > now) ||
    (item.state === 'HALF_OPEN' && (item.probeUntil ?? 0) > now));

/**
 * The circuit breaker per model and Region over the shared DynamoDB table, with a short in-memory
 * cache so a healthy request adds no table read (at most one read per key per cacheMs per instance).
 * A table error never fails a request: the breaker then lets calls through (fails open) and logs.
 */
export class CircuitBreaker {
  private readonly cache = new Map<string, Cached>();
  /** Answered calls per key not yet written, and the settings of the route that made them. */
  private readonly unwritten = new Map<string, { count: number; settings: BreakerSettings }>();
  private flushTimer?: ReturnType<typeof setTimeout>;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: CircuitStore | undefined,
    private readonly options: { readonly cacheMs: number; readonly now?: () => number } = { cacheMs: 1000 },
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Caches what a write returned. Concurrent writes finish in any order, so a late answer of an
   * older failure count (CLOSED) never replaces an open circuit we know of; only a close does.
   */
  private remember(pk: string, item: CircuitItem | undefined, closing = false): void {
    const prev = this.cache.get(pk)?.known;
    if (!closing && blocks(prev, this.now()) && !blocks(item, this.now())) return;
    this.cache.set(pk, { at: this.now(), item: Promise.resolve(item), known: item });
  }

  /** Forgets a key unless we know it is open (then the cached state stands until it expires). */
  private forget(pk: string): void {
    if (!blocks(this.cache.get(pk)?.known, this.now())) this.cache.delete(pk);
  }

  private async current(pk: string): Promise<CircuitItem | undefined> {
    const hit = this.cache.get(pk);
    if (hit !== undefined && this.now() - hit.at < this.options.cacheMs) return hit.item;
    const store = this.store;
    if (store === undefined) return undefined;
    const entry: Cached = {
      at: this.now(),
      item: store.read(pk).then(
        (read) => (entry.known = read),
        (err: unknown) => {
          log('error', 'circuit table unreadable; failing open', { pk, error: String(err) });
          return undefined;
        },
      ),
    };
    this.cache.set(pk, entry);
    return entry.item;
  }

  /** Whether to call the model in that Region now; 'probe' means this caller holds the half-open probe. */
  async admit(modelId: string, region: string, probeLeaseMs: number): Promise<Admission> {
    const pk = circuitKey(modelId, region);
    const item = await this.current(pk);
    const now = this.now();
    if (item === undefined || item.state === 'CLOSED') return 'closed';
    if (item.state === 'OPEN' && (item.openUntil ?? 0) > now) return 'open';
    if (item.state === 'HALF_OPEN' && (item.probeUntil ?? 0) > now) return 'open';
    if (this.store === undefined) return 'closed';
    try {
      const probing = await this.store.tryHalfOpen(pk, probeLeaseMs, now);
      if (probing !== undefined) {
        this.remember(pk, probing);
        return 'probe';
      }
      this.forget(pk);
      return 'open';
    } catch (err) {
      log('error', 'circuit table unwritable; failing open', { pk, error: String(err) });
      return 'closed';
    }
  }

  /**
   * A successful call: closes the circuit when this caller was probing. Otherwise, for a route with
   * the rate rule, counts it toward the window's calls: gathered for SUCCESS_FLUSH_MS and written in
   * one update, and only while the window has failures (a healthy circuit costs no write).
   */
  async success(
    modelId: string,
    region: string,
    admission: Admission,
    settings?: BreakerSettings,
  ): Promise<Transition> {
    if (this.store === undefined) return undefined;
    const pk = circuitKey(modelId, region);
    if (admission !== 'probe') {
      if (settings?.minimumRequests !== undefined && settings.failureRateThreshold !== undefined)
        this.countSuccess(pk, settings);
      return undefined;
    }
    try {
      const closed = await this.store.close(pk, this.now());
      this.remember(pk, closed, true);
      return closed !== undefined ? 'closed' : undefined;
    } catch (err) {
      log('error', 'circuit table unwritable; failing open', { pk, error: String(err) });
      return undefined;
    }
  }

  private countSuccess(pk: string, settings: BreakerSettings): void {
    const known = this.cache.get(pk)?.known;
    const watched =
      known !== undefined &&
      known.state === 'CLOSED' &&
      known.failures > 0 &&
      known.windowStart > this.now() - settings.windowSeconds * 1000;
    if (!watched) return;
    const entry = this.unwritten.get(pk);
    this.unwritten.set(pk, { count: (entry?.count ?? 0) + 1, settings });
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, SUCCESS_FLUSH_MS);
    this.flushTimer.unref?.();
  }

  /** Writes the answered calls gathered so far, one update per key. */
  private async flush(): Promise<void> {
    const store = this.store;
    if (store === undefined) return;
    const batch = [...this.unwritten];
    this.unwritten.clear();
    await Promise.all(
      batch.map(async ([pk, { count, settings }]) => {
        try {
          const item = await store.recordSuccesses(pk, count, settings, this.now());
          if (item !== undefined) this.remember(pk, item);
        } catch (err) {
          log('error', 'circuit table unwritable; answered calls not counted', { pk, error: String(err) });
        }
      }),
    );
  }

  /** Resolves once every write this breaker has started has finished (tests, benchmarks, shutdown). */
  async settled(): Promise<void> {
    if (this.flushTimer !== undefined) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }
    await this.flushing;
  }

  /** A failed call: counts it (for kinds that count) and opens the circuit at the threshold. */
  async failure(modelId: string, region: string, kind: ErrorKind, settings: BreakerSettings): Promise<Transition> {
    if (!CIRCUIT_FAILURES.has(kind) || this.store === undefined) return undefined;
    const pk = circuitKey(modelId, region);
    try {
      const { item, opened } = await this.store.recordFailure(
        pk,
        kind,
        settings,
        this.now(),
        this.unwritten.get(pk)?.count ?? 0,
      );
      if (item !== undefined) this.remember(pk, item);
      else this.forget(pk);
      if (opened) log('warn', 'circuit opened', { pk, kind, openUntil: item?.openUntil });
      return opened ? 'opened' : undefined;
    } catch (err) {
      log('error', 'circuit table unwritable; failing open', { pk, error: String(err) });
      return undefined;
    }
  }
}
