import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CIRCUIT_ATTRIBUTE_NAMES,
  CIRCUIT_TRANSITIONS,
  circuitLifetimeSeconds,
  windowTrips,
  type BreakerSettings,
  type CircuitItem,
  type CircuitTransition,
} from '../../contracts/circuit';
import type { ErrorKind } from '../../contracts/error-kinds';

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
    successes: num('successes') ?? 0,
    windowStart: num('windowStart') ?? 0,
    openUntil: num('openUntil'),
    probeUntil: num('probeUntil'),
    lastErrorKind: item.lastErrorKind?.S as ErrorKind | undefined,
    updatedAt: num('updatedAt') ?? 0,
  };
}

/** Reads and writes circuit items (the item and its transitions: contracts/circuit.ts); every method may throw DynamoDB errors (the breaker fails open). */
export class CircuitStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async read(pk: string, signal?: AbortSignal): Promise<CircuitItem | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: { pk: s(pk) } }), {
      abortSignal: signal,
    });
    return parse(out.Item);
  }

  /**
   * Records a failure; returns the item after it and whether this call opened the circuit.
   * `unwrittenSuccesses`: answered calls this caller knows of and has not written yet (the rate rule counts them).
   */
  async recordFailure(
    pk: string,
    kind: ErrorKind,
    settings: BreakerSettings,
    now: number,
    unwrittenSuccesses = 0,
    signal?: AbortSignal,
  ): Promise<{ item?: CircuitItem; opened: boolean }> {
    const expiresAt = Math.ceil(now / 1000) + circuitLifetimeSeconds(settings);
    const failure = {
      ':now': n(now),
      ':exp': n(expiresAt),
      ':kind': s(kind),
      ':floor': n(now - settings.windowSeconds * 1000),
    };
    let item =
      (await this.update(pk, 'countFailure', failure, signal)) ?? (await this.update(pk, 'newWindow', failure, signal));
    if (item === undefined) {
      // OPEN or HALF_OPEN: a failed probe (or a late failure of one) opens it again.
      item = await this.update(
        pk,
        'reopen',
        {
          ':until': n(now + settings.cooldownSeconds * 1000),
          ':now': n(now),
          ':exp': n(expiresAt),
          ':kind': s(kind),
        },
        signal,
      );
      return { item, opened: item !== undefined };
    }
    if (item.state === 'CLOSED' && windowTrips(item, settings, unwrittenSuccesses)) {
      const opened = await this.update(
        pk,
        'open',
        { ':until': n(now + settings.cooldownSeconds * 1000), ':now': n(now) },
        signal,
      );
      if (opened !== undefined) return { item: opened, opened: true };
    }
    return { item, opened: false };
  }

  /** Adds answered calls to the current window of a CLOSED circuit; undefined when there is no such window. */
  async recordSuccesses(
    pk: string,
    count: number,
    settings: BreakerSettings,
    now: number,
    signal?: AbortSignal,
  ): Promise<CircuitItem | undefined> {
    return this.update(
      pk,
      'countSuccesses',
      { ':n': n(count), ':now': n(now), ':floor': n(now - settings.windowSeconds * 1000) },
      signal,
    );
  }

  /** Takes the one probe of an open circuit whose cooldown is over; undefined when someone else has it. */
  async tryHalfOpen(pk: string, leaseMs: number, now: number, signal?: AbortSignal): Promise<CircuitItem | undefined> {
    return this.update(pk, 'halfOpen', { ':lease': n(now + leaseMs), ':now': n(now) }, signal);
  }

  /** Closes a half-open circuit after a successful probe; undefined when it was not half-open. */
  async close(pk: string, now: number, signal?: AbortSignal): Promise<CircuitItem | undefined> {
    return this.update(pk, 'close', { ':now': n(now) }, signal);
  }

  /** One transition as a conditional UpdateItem; undefined when its condition does not hold. */
  private async update(
    pk: string,
    transition: CircuitTransition,
    values: Record<string, AttributeValue>,
    signal?: AbortSignal,
  ): Promise<CircuitItem | undefined> {
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
        { abortSignal: signal },
      );
      return parse(out.Attributes);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException')
        return undefined;
      throw err;
    }
  }
}
