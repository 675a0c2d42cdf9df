import { limitWindow, type TableLimit } from '../../../contracts/spend';
import { log } from '../log';
import type { LedgerStore } from './ledger-store';

/**
 * The leases of one router instance on the shared ledger.
 *
 * Each consumer's limit has one ledger item per window. An instance takes a lease (a slice of what
 * the window has left) with one conditional UpdateItem, spends it locally with no table call, and
 * takes another when a request's reservation no longer fits. A lease is 1/LEASE_DIVISOR of what
 * the window had left at the last table answer (and never less than what the request needs), so
 * leases shrink as the remainder does. What an instance has not spent it gives back when it has
 * been idle for IDLE_RETURN_MS, or on flush().
 *
 * The bound. The table never hands out more than `hard`: every lease is one conditional ADD,
 * atomic across instances. A request reserves its most (maxTokens, or the largest output its
 * models allow; its input estimate at the dearest price) before the model is called and settles to
 * its actual usage after, so what an instance spends stays inside its leases unless an answer's
 * usage exceeds its reservation (an input estimate that was low); that excess is recorded at the
 * instance's next table call, and only requests it already admitted can add to it. The overshoot
 * of a consumer is therefore at most the lease size times the number of live instances (each
 * instance's spending beyond the table is bounded by the lease it admitted its requests against),
 * and the lease size shrinks with the remainder, so near the end of a window the bound is small.
 *
 * Fail open, bounded. A table call that fails or takes longer than LEDGER_TIMEOUT_MS never fails a
 * request: the instance goes on against its own last view of the remainder, granting itself leases
 * of the usual size from it (recorded to the table, unconditionally, once it answers again). During
 * an outage a consumer can therefore draw at most that remainder per live instance: each instance
 * still refuses once its own view is spent. Failing closed would turn a DynamoDB blip into refusals
 * for every limited team, on a table that exists only to keep spend within a budget; failing open
 * keeps the platform's availability independent of it, with the overshoot still bounded.
 */
export const LEASE_DIVISOR = 8;
/** The bound of one ledger call a request waits for (DynamoDB answers in single-digit ms in its Region). */
export const LEDGER_TIMEOUT_MS = 100;
/** An unused lease goes back to the table after this long without a request. */
export const IDLE_RETURN_MS = 2000;
/** Ledger items outlive their window by this much (the TTL), so an operator can read last month's. */
const RETENTION_SECONDS = { monthlyBudgetUsd: 40 * 86_400, other: 300 } as const;

/** One limit of one consumer, in this instance. */
interface Lease {
  readonly consumer: string;
  limit: TableLimit;
  window: string;
  windowEndsAt: number;
  /** Leased and not yet spent here (negative: spent beyond the lease, owed to the table). */
  local: number;
  /** `hard` minus the table's `used` at its last answer (or as this instance counted it since, offline). */
  remainder: number;
  /** Leased on trust while the table was unreachable, not yet recorded there. */
  unrecorded: number;
  renewing?: Promise<void>;
  /** Renewals finished (a request knows whether the remainder is fresher than its start). */
  answers: number;
  lastUsed: number;
}

/** A limit as one instance sees it after a reservation (the rate-limit headers), or the reservation's refusal. */
export interface LimitView {
  readonly limit: TableLimit;
  /** What the window has left, as this instance knows it. */
  readonly remaining: number;
  /** When the window resets (epoch ms). */
  readonly resetsAt: number;
  /** Set when the reservation did not fit: the request must be refused. */
  readonly refused?: true;
}

/** Renewals one reservation may start before it is refused (contention with other requests of this instance). */
const MAX_RENEWALS = 4;

export class SpendLedger {
  private readonly leases = new Map<string, Lease>();
  private idleTimer?: ReturnType<typeof setTimeout>;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly store: LedgerStore,
    private readonly options: {
      readonly timeoutMs?: number;
      readonly idleReturnMs?: number;
      readonly now?: () => number;
      /** Called with the window's `used` after each table answer (the budget gauge, the soft alert). */
      readonly onUsed?: (consumer: string, limit: TableLimit, used: number, before: number) => void;
    } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  private leaseOf(consumer: string, limit: TableLimit, now: number): Lease {
    const key = `${consumer}#${limit.id}`;
    let lease = this.leases.get(key);
    if (lease === undefined) {
      const w = limitWindow(limit.limit, now);
      lease = {
        consumer,
        limit,
        window: w.key,
        windowEndsAt: w.endsAt,
        local: 0,
        remainder: limit.hard,
        unrecorded: 0,
        answers: 0,
        lastUsed: now,
      };
      this.leases.set(key, lease);
    }
    // A new routing table: the same limit (its id), perhaps another hard limit; the next renewal reads the table's count.
    if (lease.limit !== limit) lease.limit = limit;
    if (now >= lease.windowEndsAt) {
      // A new window: what was left of the last one's lease ends with it (its item expires by TTL).
      const w = limitWindow(limit.limit, now);
      Object.assign(lease, { window: w.key, windowEndsAt: w.endsAt, local: 0, remainder: limit.hard, unrecorded: 0 });
    }
    return lease;
  }

  private pk(lease: Lease): string {
    return `${lease.consumer}#${lease.limit.id}#${lease.window}`;
  }

  private expiresAt(lease: Lease): number {
    const keep =
      lease.limit.limit === 'monthlyBudgetUsd' ? RETENTION_SECONDS.monthlyBudgetUsd : RETENTION_SECONDS.other;
    return Math.ceil(lease.windowEndsAt / 1000) + keep;
  }

  /**
   * Reserves `amount` on a consumer's limit: from the local lease when it fits (no I/O), else after
   * one renewal (single-flight: concurrent requests of this instance wait for the same one).
   */
  async reserve(consumer: string, limit: TableLimit, amount: number): Promise<LimitView> {
    const lease = this.leaseOf(consumer, limit, this.now());
    const seen = lease.answers;
    const view = (): LimitView => ({
      limit,
      remaining: Math.max(0, lease.remainder + lease.local),
      resetsAt: lease.windowEndsAt,
    });
    for (let renewals = 0; ;) {
      if (lease.local >= amount) {
        lease.local -= amount;
        lease.lastUsed = this.now();
        this.scheduleIdleReturn();
        return view();
      }
      if (lease.renewing !== undefined) {
        await lease.renewing;
        continue;
      }
      // Refused once a renewal since this call began (this one's or another request's) left too little.
      if ((lease.answers !== seen && lease.remainder + lease.local < amount) || renewals >= MAX_RENEWALS)
        return { ...view(), refused: true };
      renewals++;
      lease.renewing = this.renew(lease, amount).finally(() => {
        lease.renewing = undefined;
        lease.answers++;
      });
      await lease.renewing;
    }
  }

  /** Gives back what a reservation did not use (negative: usage above the reservation, owed). */
  settle(consumer: string, limit: TableLimit, reserved: number, actual: number): void {
    const lease = this.leases.get(`${consumer}#${limit.id}`);
    if (lease === undefined) return;
    lease.local += reserved - actual;
  }

  /** One renewal: a lease sized from the remainder, taken with one conditional update; a read and a smaller lease when it does not fit. */
  private async renew(lease: Lease, amount: number): Promise<void> {
    const deficit = amount - lease.local;
    const signal = (): AbortSignal => AbortSignal.timeout(this.options.timeoutMs ?? LEDGER_TIMEOUT_MS);
    const pk = this.pk(lease);
    const exp = this.expiresAt(lease);
    try {
      if (lease.unrecorded > 0) {
        const unrecorded = lease.unrecorded;
        await this.store.add(pk, unrecorded, exp, signal());
        lease.unrecorded -= unrecorded;
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        const size = Math.min(Math.max(deficit, lease.remainder / LEASE_DIVISOR), Math.max(lease.remainder, deficit));
        const used = await this.store.take(pk, size, lease.limit.hard, exp, signal());
        if (used !== undefined) {
          this.observed(lease, used, used - size);
          lease.local += size;
          return;
        }
        const now = await this.store.used(pk, signal());
        this.observed(lease, now, now);
        if (lease.remainder < deficit) return;
      }
    } catch (err) {
      // Fail open, against this instance's own view of the remainder (see the bound above).
      log('warn', 'spend ledger unreachable: counting locally', {
        consumer: lease.consumer,
        limit: lease.limit.id,
        error: err instanceof Error ? err.name : 'Error',
      });
      if (lease.remainder < deficit) return;
      const size = Math.min(Math.max(deficit, lease.remainder / LEASE_DIVISOR), lease.remainder);
      lease.remainder -= size;
      lease.unrecorded += size;
      lease.local += size;
    }
  }

  private observed(lease: Lease, used: number, before: number): void {
    lease.remainder = lease.limit.hard - used;
    this.options.onUsed?.(lease.consumer, lease.limit, used, before);
  }

  private scheduleIdleReturn(): void {
    if (this.idleTimer !== undefined) return;
    const ms = this.options.idleReturnMs ?? IDLE_RETURN_MS;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      const cutoff = this.now() - ms;
      const idle = [...this.leases.values()].filter((l) => l.lastUsed <= cutoff && l.local > 0);
      void this.giveBack(idle);
      if ([...this.leases.values()].some((l) => l.local > 0)) this.scheduleIdleReturn();
    }, ms);
    this.idleTimer.unref();
  }

  /** Gives every unused lease back to the table now (tests, benchmarks, a shutdown). */
  async flush(): Promise<void> {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    await Promise.all([...this.pending]);
    await this.giveBack([...this.leases.values()]);
  }

  private async giveBack(leases: readonly Lease[]): Promise<void> {
    await Promise.all(
      leases.map(async (lease) => {
        // Unused lease back, and usage above it (negative local) or leased on trust recorded.
        const delta = lease.unrecorded - lease.local;
        if (delta === 0 || lease.renewing !== undefined) return;
        const local = lease.local;
        const unrecorded = lease.unrecorded;
        lease.local -= local;
        lease.unrecorded -= unrecorded;
        const call = this.store
          .add(
            this.pk(lease),
            delta,
            this.expiresAt(lease),
            AbortSignal.timeout(this.options.timeoutMs ?? LEDGER_TIMEOUT_MS),
          )
          .then((used) => (lease.remainder = lease.limit.hard - used))
          .catch((err: unknown) => {
            lease.local += local;
            lease.unrecorded += unrecorded;
            log('warn', 'spend ledger: unused lease not returned', {
              consumer: lease.consumer,
              limit: lease.limit.id,
              error: err instanceof Error ? err.name : 'Error',
            });
          });
        this.pending.add(call);
        await call.finally(() => this.pending.delete(call));
      }),
    );
  }
}
