import { ConditionalCheckFailedException, GetItemCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ErrorKind } from './error-kinds';

/**
 * The circuit table: one item per model and Region, shared by every router instance and by the
 * Step Functions workflows (which must read and write it exactly as described here).
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

export const circuitKey = (modelId: string, region: string): string => `${modelId}#${region}`;

/**
 * Every state change of a circuit item as one conditional UpdateItem: the expressions and their
 * constant values, written once for the router (below) and the Step Functions workflows
 * (workflows/circuit-tasks.ts), so both move circuits the same way. Each caller supplies only the
 * values that vary: `:now`, `:exp`, `:kind`, `:floor`, `:until`, `:lease`.
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
    update: 'SET #s = :closed, failures = :one, windowStart = :now, updatedAt = :now, expiresAt = :exp, lastErrorKind = :kind REMOVE openUntil, probeUntil',
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
    update: 'SET #s = :open, openUntil = :until, updatedAt = :now, expiresAt = :exp, lastErrorKind = :kind REMOVE probeUntil',
    condition: '#s = :half',
    constants: { ':open': { S: 'OPEN' }, ':half': { S: 'HALF_OPEN' } },
  },
} as const;
export type CircuitTransition = keyof typeof CIRCUIT_TRANSITIONS;

/** The attribute-name placeholder every transition uses (`state` is a DynamoDB reserved word). */
export const CIRCUIT_ATTRIBUTE_NAMES = { '#s': 'state' } as const;

const n = (v: number): AttributeValue => ({ N: String(v) });
const s = (v: string): AttributeValue => ({ S: v });

function parse(item: Record<string, AttributeValue> | undefined): CircuitItem | undefined {
  if (item === undefined || item.pk?.S === undefined) return undefined;
  const num = (k: string): number | undefined => (item[k]?.N !== undefined ? Number(item[k].N) : undefined);
  const state = item.state?.S;
  return {
    pk: item.pk.S,
    state: state === 'OPEN' || state === 'HALF_OPEN' ? state : 'CLOSED',
    failures: num('failures') ?? 0,
    windowStart: num('windowStart') ?? 0,
    openUntil: num('openUntil'),
    probeUntil: num('probeUntil'),
    lastErrorKind: item.lastErrorKind?.S as ErrorKind | undefined,
    updatedAt: num('updatedAt') ?? 0,
  };
}

/** Reads and writes circuit items; every method may throw DynamoDB errors (the breaker fails open). */
export class CircuitStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async read(pk: string): Promise<CircuitItem | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: s(pk) } }));
    return parse(out.Item);
  }

  /** Records a failure; returns the item after it and whether this call opened the circuit. */
  async recordFailure(pk: string, kind: ErrorKind, settings: BreakerSettings, now: number): Promise<{ item?: CircuitItem; opened: boolean }> {
    const expiresAt = Math.ceil(now / 1000) + settings.windowSeconds + settings.cooldownSeconds + 3600;
    const failure = { ':now': n(now), ':exp': n(expiresAt), ':kind': s(kind), ':floor': n(now - settings.windowSeconds * 1000) };
    let item = (await this.update(pk, 'countFailure', failure)) ?? (await this.update(pk, 'newWindow', failure));
    if (item === undefined) {
      // OPEN or HALF_OPEN: a failed probe (or a late failure of one) opens it again.
      item = await this.update(pk, 'reopen', { ':until': n(now + settings.cooldownSeconds * 1000), ':now': n(now), ':exp': n(expiresAt), ':kind': s(kind) });
      return { item, opened: item !== undefined };
    }
    if (item.state === 'CLOSED' && item.failures >= settings.failureThreshold) {
      const opened = await this.update(pk, 'open', { ':until': n(now + settings.cooldownSeconds * 1000), ':now': n(now) });
      if (opened !== undefined) return { item: opened, opened: true };
    }
    return { item, opened: false };
  }

  /** Takes the one probe of an open circuit whose cooldown is over; undefined when someone else has it. */
  async tryHalfOpen(pk: string, leaseMs: number, now: number): Promise<CircuitItem | undefined> {
    return this.update(pk, 'halfOpen', { ':lease': n(now + leaseMs), ':now': n(now) });
  }

  /** Closes a half-open circuit after a successful probe; undefined when it was not half-open. */
  async close(pk: string, now: number): Promise<CircuitItem | undefined> {
    return this.update(pk, 'close', { ':now': n(now) });
  }

  /** One transition as a conditional UpdateItem; undefined when its condition does not hold. */
  private async update(pk: string, transition: CircuitTransition, values: Record<string, AttributeValue>): Promise<CircuitItem | undefined> {
    const t = CIRCUIT_TRANSITIONS[transition];
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: s(pk) },
          UpdateExpression: t.update,
          ConditionExpression: t.condition,
          ExpressionAttributeNames: { ...CIRCUIT_ATTRIBUTE_NAMES },
          ExpressionAttributeValues: { ...t.constants, ...values },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parse(out.Attributes);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }
}
