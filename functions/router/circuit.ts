import { CIRCUIT_FAILURES, type ErrorKind } from '../../contracts/error-kinds';
import { circuitKey, type BreakerSettings, type CircuitItem } from '../../contracts/circuit';
import type { CircuitStore } from './circuit-store';
import { log } from './log';

/** What the breaker lets a caller do with one model in one Region. */
export type Admission = 'closed' | 'probe' | 'open';
export type Transition = 'opened' | 'closed' | undefined;

interface Cached {
  /** When the entry became true: a read's start, or a failed read's end (so a slow failure is not re-tried at once). */
  at: number;
  readonly item: Promise<CircuitItem | undefined>;
  /** The item once known (writes know it at once, reads when they answer). */
  known?: CircuitItem;
  /** The read failed (the table did not answer or refused). */
  failed?: boolean;
  /** A read after a failed one is under way in the background. */
  revalidating?: boolean;
}

/** How long answered calls are gathered before one write adds them to a window (the rate rule). */
export const SUCCESS_FLUSH_MS = 200;

/** Whether an item stops calls at `now` (open, or half-open with someone probing). */
const blocks = (item: CircuitItem | undefined, now: number): boolean =>
  item !== undefined &&
  ((item.state === 'OPEN' && (item.openUntil ?? 0) > now) ||
    (item.state === 'HALF_OPEN' && (item.probeUntil ?? 0) > now));

export interface BreakerOptions {
  /** How long an item read from the table is trusted. */
  readonly cacheMs: number;
  /**
   * The longest a table call a request waits for may take (a read, the half-open write): at most
   * this, or what is left of the request's latency budget. @default 200
   */
  readonly callTimeoutMs?: number;
  /** The longest a counting write (off the request path) may take. @default 1000 */
  readonly writeTimeoutMs?: number;
  readonly now?: () => number;
}

/** The default timeout of one circuit-table call a request waits for (DynamoDB answers in single-digit milliseconds in its Region). */
export const CIRCUIT_CALL_TIMEOUT_MS = 200;
/** The default timeout of one counting write, off the request path. */
export const CIRCUIT_WRITE_TIMEOUT_MS = 1000;
/** Counting writes one key may have queued; past this a write is dropped (and logged): a table that does not answer must not grow a queue without bound. */
export const MAX_QUEUED_WRITES = 50;

/**
 * The circuit breaker per model and Region over the shared DynamoDB table, with a short in-memory
 * cache so a healthy request adds no table read (at most one read per key per cacheMs per instance).
 * A table error never fails a request: the breaker then lets calls through (fails open) and logs.
 * A request waits only for what decides its admission (a read, the half-open write), each bounded
 * by callTimeoutMs and the request's remaining budget; counting writes (failures, answered calls,
 * closing after a probe) run off the request path, one at a time per key (as one Lambda instance,
 * which serves one request at a time, makes them), each bounded by writeTimeoutMs; settled() awaits them.
 */
export class CircuitBreaker {
  private readonly cache = new Map<string, Cached>();
  /** Answered calls per key not yet written, and the settings of the route that made them. */
  private readonly unwritten = new Map<string, { count: number; settings: BreakerSettings }>();
  private flushTimer?: ReturnType<typeof setTimeout>;
  private flushing: Promise<void> = Promise.resolve();
  /** Writes under way off the request path. */
  private readonly writes = new Set<Promise<unknown>>();
  /** Per key: the last queued write, and how many are queued. */
  private readonly queues = new Map<string, { tail: Promise<unknown>; depth: number }>();

  constructor(
    private readonly store: CircuitStore | undefined,
    private readonly options: BreakerOptions = { cacheMs: 1000 },
  ) {}

  /** An abort signal for one table call: callTimeoutMs, or less when the caller's budget is shorter. */
  private signal(budgetMs = Infinity): AbortSignal {
    const ms = Math.min(this.options.callTimeoutMs ?? CIRCUIT_CALL_TIMEOUT_MS, budgetMs);
    return AbortSignal.timeout(Math.max(1, Math.floor(ms)));
  }

  /**
   * Runs a counting write off the request path: after the writes already queued for its key, with
   * its own writeTimeoutMs from when it starts; kept for settled().
   */
  private write<T>(pk: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const queue = this.queues.get(pk) ?? { tail: Promise.resolve(), depth: 0 };
    if (queue.depth >= MAX_QUEUED_WRITES)
      return Promise.reject(new Error(`${MAX_QUEUED_WRITES} circuit writes already queued for ${pk}; dropped`));
    queue.depth++;
    const ms = this.options.writeTimeoutMs ?? CIRCUIT_WRITE_TIMEOUT_MS;
    const run = queue.tail.then(() => call(AbortSignal.timeout(ms)));
    const done = run.then(
      () => undefined,
      () => undefined,
    );
    queue.tail = done;
    this.queues.set(pk, queue);
    this.writes.add(done);
    void done.then(() => {
      this.writes.delete(done);
      if (--queue.depth === 0 && this.queues.get(pk) === queue) this.queues.delete(pk);
    });
    return run;
  }

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

  private async current(pk: string, budgetMs?: number): Promise<CircuitItem | undefined> {
    const hit = this.cache.get(pk);
    if (hit?.revalidating === true) return undefined;
    if (hit !== undefined && this.now() - hit.at < this.options.cacheMs) return hit.item;
    const store = this.store;
    if (store === undefined) return undefined;
    // After a failed read the table is asked again in the background: the requests meanwhile fail
    // open at once, as they would after waiting for another failure; only the first request that
    // finds the table unreachable waits (at most callTimeoutMs).
    const revalidating = hit?.failed === true;
    const entry: Cached = {
      at: this.now(),
      revalidating,
      item: store.read(pk, this.signal(budgetMs)).then(
        (read) => {
          entry.revalidating = false;
          return (entry.known = read);
        },
        (err: unknown) => {
          // Trusted for cacheMs from now, not from the start: a table that does not answer is asked
          // again a cache period after the last try ended, not by the very next request.
          entry.at = this.now();
          entry.failed = true;
          entry.revalidating = false;
          log('error', 'circuit table unreadable; failing open', { pk, error: String(err) });
          return undefined;
        },
      ),
    };
    this.cache.set(pk, entry);
    return revalidating ? undefined : entry.item;
  }

  /**
   * Whether to call the model in that Region now; 'probe' means this caller holds the half-open
   * probe. `budgetMs`: what is left of the request's latency budget (the wait is bounded by it).
   */
  async admit(modelId: string, region: string, probeLeaseMs: number, budgetMs?: number): Promise<Admission> {
    return (await this.admission(modelId, region, probeLeaseMs, budgetMs)).admission;
  }

  /** admit(), with the item that decided it (an open circuit's openUntil and last error kind). */
  async admission(
    modelId: string,
    region: string,
    probeLeaseMs: number,
    budgetMs?: number,
  ): Promise<{ admission: Admission; item?: CircuitItem }> {
    const pk = circuitKey(modelId, region);
    const item = await this.current(pk, budgetMs);
    const now = this.now();
    if (item === undefined || item.state === 'CLOSED') return { admission: 'closed', item };
    if (item.state === 'OPEN' && (item.openUntil ?? 0) > now) return { admission: 'open', item };
    if (item.state === 'HALF_OPEN' && (item.probeUntil ?? 0) > now) return { admission: 'open', item };
    if (this.store === undefined) return { admission: 'closed', item };
    try {
      const probing = await this.store.tryHalfOpen(pk, probeLeaseMs, now, this.signal(budgetMs));
      if (probing !== undefined) {
        this.remember(pk, probing);
        return { admission: 'probe', item: probing };
      }
      this.forget(pk);
      return { admission: 'open', item };
    } catch (err) {
      log('error', 'circuit table unwritable; failing open', { pk, error: String(err) });
      return { admission: 'closed', item };
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
    const store = this.store;
    try {
      const now = this.now();
      const closed = await this.write(pk, (signal) => store.close(pk, now, signal));
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
          const now = this.now();
          const item = await this.write(pk, (signal) => store.recordSuccesses(pk, count, settings, now, signal));
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
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  /** A failed call: counts it (for kinds that count) and opens the circuit at the threshold. */
  async failure(modelId: string, region: string, kind: ErrorKind, settings: BreakerSettings): Promise<Transition> {
    if (!CIRCUIT_FAILURES.has(kind) || this.store === undefined) return undefined;
    const pk = circuitKey(modelId, region);
    try {
      const now = this.now();
      const store = this.store;
      const { item, opened } = await this.write(pk, (signal) =>
        store.recordFailure(pk, kind, settings, now, this.unwritten.get(pk)?.count ?? 0, signal),
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

  /** Milliseconds until the circuit of a model in a Region lets calls through again (0: it does now), from the cached item or one read. */
  async openForMs(modelId: string, region: string): Promise<number> {
    const item = await this.current(circuitKey(modelId, region));
    const now = this.now();
    if (item?.state === 'OPEN') return Math.max(0, (item.openUntil ?? 0) - now);
    if (item?.state === 'HALF_OPEN') return Math.max(0, (item.probeUntil ?? 0) - now);
    return 0;
  }
}
