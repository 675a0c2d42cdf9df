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
 * its actual usage after, so an instance spends only what it leased, except where an answer's usage
 * exceeds its reservation (an input estimate that was low), which it records at its next table call.
 * Beyond `hard`, spend can come only from leases an instance granted itself on trust (below) and
 * from such shortfalls of requests it had already admitted, each within the lease it admitted them
 * against: the overshoot is at most the lease size times the number of live instances, and the
 * lease size (1/LEASE_DIVISOR of the remainder) shrinks as the remainder does.
 *
 * Fail open, bounded. A table call that fails or has not answered within LEDGER_TIMEOUT_MS never
 * fails a request: the instance grants itself one lease of the usual size from its own view of the
 * remainder, recorded to the table (unconditionally) at its next call. Calls are never aborted: a
 * late answer is folded in when it comes, so nothing is lost or counted twice. A slow table thus
 * adds at most one lease per late call, and an outage lets each instance spend at most its own view
 * of the remainder (it still refuses once that is spent). Failing closed would turn a DynamoDB blip
 * into refusals for every limited team, on a table that exists only to keep spend within a budget;
 * failing open keeps the platform's availability independent of it, with the overshoot bounded.
 */
export const LEASE_DIVISOR = 8;
/** The bound of one ledger call a request waits for (DynamoDB answers in single-digit ms in its Region). */
export const LEDGER_TIMEOUT_MS = 200;
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

  /**
   * One renewal, waited for at most LEDGER_TIMEOUT_MS. The table calls are never aborted: a call
   * whose answer is late may still have been applied, so its answer is folded in whenever it comes
   * (a late lease is spent or returned like any other), and nothing is counted twice or lost.
   */
  private async renew(lease: Lease, amount: number): Promise<void> {
    const deficit = amount - lease.local;
    const work = this.renewAtTable(lease, deficit);
    this.track(work);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.timeoutMs ?? LEDGER_TIMEOUT_MS);
    });
    const outcome = await Promise.race([work.then(() => 'answered' as const), late]).catch((err: unknown) => err);
    clearTimeout(timer);
    if (outcome === 'answered') return;
    // Fail open, against this instance's own view of the remainder (see the bound above).
    log('warn', 'spend ledger unreachable: counting locally', {
      consumer: lease.consumer,
      limit: lease.limit.id,
      error: outcome === 'late' ? 'Timeout' : outcome instanceof Error ? outcome.name : 'Error',
    });
    if (lease.remainder < deficit) return;
    const size = Math.min(Math.max(deficit, lease.remainder / LEASE_DIVISOR), lease.remainder);
    lease.remainder -= size;
    lease.unrecorded += size;
    lease.local += size;
  }

  /** Records what was leased on trust, then takes a lease sized from the remainder (a read and a smaller lease when it does not fit). */
  private async renewAtTable(lease: Lease, deficit: number): Promise<void> {
    const pk = this.pk(lease);
    const exp = this.expiresAt(lease);
    if (lease.unrecorded > 0) {
      const unrecorded = lease.unrecorded;
      // Counted as recorded before the call: a call that fails after it was applied must not be recorded twice.
      lease.unrecorded -= unrecorded;
      await this.store.add(pk, unrecorded, exp);
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const size = Math.min(Math.max(deficit, lease.remainder / LEASE_DIVISOR), Math.max(lease.remainder, deficit));
      const used = await this.store.take(pk, size, lease.limit.hard, exp);
      if (used !== undefined) {
        lease.local += size;
        this.observed(lease, used, used - size);
        return;
      }
      const now = await this.store.used(pk);
      this.observed(lease, now, now);
      if (lease.remainder < deficit) return;
    }
  }

  private track(call: Promise<unknown>): void {
    const settled = call.catch(() => undefined);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }

  private observed(lease: Lease, used: number, before: number): void {
    lease.remainder = lease.limit.hard - used - lease.unrecorded;
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
        lease.local = 0;
        lease.unrecorded = 0;
        // Never aborted, never retried here: an ADD whose answer is lost may have been applied, and
        // giving it back twice would let the consumer overshoot. A failed return is a lease lost
        // (the consumer is refused a little early), never one counted back twice.
        const call = this.store
          .add(this.pk(lease), delta, this.expiresAt(lease))
          .then((used) => this.observed(lease, used, used))
          .catch((err: unknown) =>
            log('warn', 'spend ledger: unused lease not returned', {
              consumer: lease.consumer,
              limit: lease.limit.id,
              error: err instanceof Error ? err.name : 'Error',
            }),
          );
        this.track(call);
        await call;
      }),
    );
  }
}
