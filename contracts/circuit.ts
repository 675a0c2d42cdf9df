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
 * - failures >= failureThreshold: OPEN, openUntil = now + cooldown (condition: CLOSED);
 * - after openUntil, one caller takes the probe: HALF_OPEN, probeUntil = now + lease
 *   (condition: OPEN and openUntil <= now, or HALF_OPEN with an expired lease);
 * - the probe succeeds: CLOSED, failures 0 (condition: HALF_OPEN); it fails: OPEN again, new openUntil.
 */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitItem {
  readonly pk: string;
  readonly state: CircuitState;
  readonly failures: number;
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
 * way. Each caller supplies only the values that vary: `:now`, `:exp`, `:kind`, `:floor`, `:until`, `:lease`.
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
      'SET #s = :closed, failures = :one, windowStart = :now, updatedAt = :now, expiresAt = :exp, lastErrorKind = :kind REMOVE openUntil, probeUntil',
    condition: 'attribute_not_exists(pk) OR (#s = :closed AND windowStart <= :floor)',
    constants: { ':closed': { S: 'CLOSED' }, ':one': { N: '1' } },
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
    update: 'SET #s = :closed, failures = :zero, windowStart = :now, updatedAt = :now REMOVE openUntil, probeUntil',
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
