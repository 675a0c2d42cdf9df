import type { ErrorKind } from './error-kinds';

/**
 * The circuit item: one item per model and Region in the circuit table, shared by every router
 * instance (functions/router reads and writes it through conditional UpdateItem calls) and by the
 * Step Functions resilience workflows (workflows/ read it with GetItem and write it with the same
 * transitions); the table itself (modules/circuit-table) is keyed and expired by the names below.
 *
 * | attribute     | type | meaning                                                                     |
 * |---------------|------|-----------------------------------------------------------------------------|
 * | pk            | S    | `<modelId>#<region>`: the routing table's model id (e.g. `nova-lite`) and the Region of the call |
 * | state         | S    | `CLOSED` \| `OPEN` \| `HALF_OPEN` (an absent item is CLOSED with no failures) |
 * | failures      | N    | failures counted in the current window (kinds in CIRCUIT_FAILURES only)     |
 * | successes     | N    | answered calls counted in the current window (the router's rate rule; absent = 0) |
 * | windowStart   | N    | epoch ms when the current counting window began                             |
 * | openUntil     | N    | epoch ms; while OPEN and now < openUntil nobody calls the model there       |
 * | probeUntil    | N    | epoch ms; the HALF_OPEN lease of the one caller probing (expires if it dies) |
 * | lastErrorKind | S    | the ErrorKind (error-kinds.ts) of the last failure                           |
 * | updatedAt     | N    | epoch ms of the last write                                                  |
 * | expiresAt     | N    | epoch seconds; DynamoDB TTL (stale items vanish, i.e. become CLOSED)        |
 *
 * Transitions, each one conditional UpdateItem:
 * - failure while CLOSED inside the window: failures + 1 (condition: CLOSED and windowStart > now - window);
 *   otherwise a new window with failures = 1 (condition: absent, or CLOSED with an old window);
 * - answered calls while CLOSED inside the window: successes + n (condition: CLOSED and windowStart > now - window;
 *   the router batches them, and writes them only while the window has failures);
 * - failures >= failureThreshold, and, when the route declares the rate rule, at least minimumRequests
 *   calls (failures + successes) of which at least failureRateThreshold failed: OPEN, openUntil = now + cooldown
 *   (condition: CLOSED);
 * - after openUntil, one caller takes the probe: HALF_OPEN, probeUntil = now + lease
 *   (condition: OPEN and openUntil <= now, or HALF_OPEN with an expired lease);
 * - the probe succeeds: CLOSED, failures 0 (condition: HALF_OPEN); it fails: OPEN again, new openUntil.
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitItem {
  readonly pk: string;
  readonly state: CircuitState;
  readonly failures: number;
  /** Answered calls counted in the window (0 when absent). */
  readonly successes?: number;
  readonly windowStart: number;
  readonly openUntil?: number;
  readonly probeUntil?: number;
  readonly lastErrorKind?: ErrorKind;
  readonly updatedAt: number;
}

export interface BreakerSettings {
  readonly failureThreshold: number;
  readonly windowSeconds: number;
  readonly cooldownSeconds: number;
  /** The rate rule (with failureRateThreshold): calls in the window before the failure rate is judged. */
  readonly minimumRequests?: number;
  /** The rate rule (with minimumRequests): share of the window's calls that failed at which the circuit opens. */
  readonly failureRateThreshold?: number;
}

/**
 * Whether a CLOSED window's counts open the circuit: failureThreshold failures, and, when the route
 * declares the rate rule, at least minimumRequests calls of which at least failureRateThreshold
 * failed (as LiteLLM's allowed-fails percentage and Portkey's minimum_requests:
 * https://portkey.ai/docs/product/ai-gateway/circuit-breaker). `extraSuccesses` are answered calls
 * the caller knows of and has not written yet.
 */
export function windowTrips(
  item: Pick<CircuitItem, 'failures' | 'successes'>,
  settings: BreakerSettings,
  extraSuccesses = 0,
): boolean {
  if (item.failures < settings.failureThreshold) return false;
  const { minimumRequests, failureRateThreshold } = settings;
  if (minimumRequests === undefined || failureRateThreshold === undefined) return true;
  const calls = item.failures + (item.successes ?? 0) + extraSuccesses;
  return calls >= minimumRequests && item.failures / calls >= failureRateThreshold;
}

/** The table's partition key and its TTL attribute. */
export const CIRCUIT_TABLE_KEYS = { partitionKey: 'pk', expiry: 'expiresAt' } as const;

/** The partition key of one model's circuit in one Region. */
export const circuitKey = (modelId: string, region: string): string => `${modelId}#${region}`;

/** How long an item outlives its counting window and cooldown before DynamoDB's TTL may delete it. */
export const CIRCUIT_EXPIRY_MARGIN_SECONDS = 3600;

/** Seconds from a failure's write to the item's `expiresAt`: window + cooldown + the margin. */
export const circuitLifetimeSeconds = (settings: Pick<BreakerSettings, 'windowSeconds' | 'cooldownSeconds'>): number =>
  settings.windowSeconds + settings.cooldownSeconds + CIRCUIT_EXPIRY_MARGIN_SECONDS;

/**
 * Every state change of a circuit item as one conditional UpdateItem: the expressions and their
 * constant values, written once for the router and the workflows, so both move circuits the same
 * way. Each caller supplies only the values that vary: `:now`, `:exp`, `:kind`, `:floor`, `:until`, `:lease`, `:n`.
 */
export const CIRCUIT_TRANSITIONS = {
  /** A failure inside the current window of a CLOSED circuit. */
  countFailure: {
    update: 'SET failures = failures + :one, updatedAt = :now, expiresAt = :exp, lastErrorKind = :kind',
    condition: 'attribute_exists(pk) AND #s = :closed AND windowStart > :floor',
    constants: { ':closed': { S: 'CLOSED' }, ':one': { N: '1' } },
  },
  /** A failure with no item, or after the window: a new window with one failure. */
  newWindow: {
    update:
      'SET #s = :closed, failures = :one, windowStart = :now, updatedAt = :now, expiresAt = :exp, lastErrorKind = :kind REMOVE openUntil, probeUntil, successes',
    condition: 'attribute_not_exists(pk) OR (#s = :closed AND windowStart <= :floor)',
    constants: { ':closed': { S: 'CLOSED' }, ':one': { N: '1' } },
  },
  /** Answered calls inside the current window of a CLOSED circuit (the router's rate rule; `:n` of them). */
  countSuccesses: {
    update: 'SET successes = if_not_exists(successes, :zero) + :n, updatedAt = :now',
    condition: 'attribute_exists(pk) AND #s = :closed AND windowStart > :floor',
    constants: { ':closed': { S: 'CLOSED' }, ':zero': { N: '0' } },
  },
  /** The threshold is reached: OPEN until now + cooldown. */
  open: {
    update: 'SET #s = :open, openUntil = :until, updatedAt = :now',
    condition: '#s = :closed',
    constants: { ':open': { S: 'OPEN' }, ':closed': { S: 'CLOSED' } },
  },
  /** After the cooldown one caller takes the probe (or an abandoned probe's lease expired). */
  halfOpen: {
    update: 'SET #s = :half, probeUntil = :lease, updatedAt = :now',
    condition: '(#s = :open AND openUntil <= :now) OR (#s = :half AND probeUntil <= :now)',
    constants: { ':half': { S: 'HALF_OPEN' }, ':open': { S: 'OPEN' } },
  },
  /** The probe succeeded. */
  close: {
    update:
      'SET #s = :closed, failures = :zero, windowStart = :now, updatedAt = :now REMOVE openUntil, probeUntil, successes',
    condition: '#s = :half',
    constants: { ':closed': { S: 'CLOSED' }, ':half': { S: 'HALF_OPEN' }, ':zero': { N: '0' } },
  },
  /** The probe (or a late failure of it) failed: OPEN again. */
  reopen: {
    update:
      'SET #s = :open, openUntil = :until, updatedAt = :now, expiresAt = :exp, lastErrorKind = :kind REMOVE probeUntil',
    condition: '#s = :half',
    constants: { ':open': { S: 'OPEN' }, ':half': { S: 'HALF_OPEN' } },
  },
} as const;
export type CircuitTransition = keyof typeof CIRCUIT_TRANSITIONS;

/** The attribute-name placeholder every transition uses (`state` is a DynamoDB reserved word). */
export const CIRCUIT_ATTRIBUTE_NAMES = { '#s': 'state' } as const;
