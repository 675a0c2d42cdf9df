import {
  ConditionalCheckFailedException,
  GetItemCommand,
  UpdateItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { LEDGER_TABLE_KEYS } from '../../../contracts/spend';

const K = LEDGER_TABLE_KEYS;
const NAMES = { '#used': K.used, '#exp': K.expiry };

/**
 * The ledger items (contracts/spend.ts): one conditional UpdateItem takes a lease, an unconditional
 * ADD gives one back or records usage above what was leased, a strongly consistent GetItem reads
 * what is left. Every method may throw DynamoDB's errors or its signal's abort: the caller bounds
 * and survives them. An ADD is not idempotent (a retry after a lost answer may count twice:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.AtomicCounters),
 * which is why the ledger never retries a give-back; the condition and the ADD are one atomic
 * UpdateItem (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).
 */
export class LedgerStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /**
   * Adds `amount` to the item's `used` only if it stays at or below `hard`: the new `used`, or
   * undefined when the window has less than `amount` left. No read-modify-write: DynamoDB applies
   * the condition and the ADD atomically, whatever other instances do at the same time.
   */
  async take(
    pk: string,
    amount: number,
    hard: number,
    expiresAt: number,
    signal?: AbortSignal,
  ): Promise<number | undefined> {
    // More than the whole window: no item state can take it (the condition below admits any amount on a new item).
    if (amount > hard) return undefined;
    try {
      const out = await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { [K.partitionKey]: { S: pk } },
          UpdateExpression: 'SET #exp = if_not_exists(#exp, :exp) ADD #used :amount',
          ConditionExpression: 'attribute_not_exists(#used) OR #used <= :ceiling',
          ExpressionAttributeNames: NAMES,
          ExpressionAttributeValues: {
            ':amount': { N: decimal(amount) },
            ':ceiling': { N: decimal(hard - amount) },
            ':exp': { N: String(expiresAt) },
          },
          ReturnValues: 'UPDATED_NEW',
        }),
        { abortSignal: signal },
      );
      return Number(out.Attributes?.[K.used]?.N ?? amount);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException')
        return undefined;
      throw err;
    }
  }

  /** Adds `amount` (negative: gives it back) with no condition; the new `used`. */
  async add(pk: string, amount: number, expiresAt: number, signal?: AbortSignal): Promise<number> {
    const out = await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: { [K.partitionKey]: { S: pk } },
        UpdateExpression: 'SET #exp = if_not_exists(#exp, :exp) ADD #used :amount',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: { ':amount': { N: decimal(amount) }, ':exp': { N: String(expiresAt) } },
        ReturnValues: 'UPDATED_NEW',
      }),
      { abortSignal: signal },
    );
    return Number(out.Attributes?.[K.used]?.N ?? 0);
  }

  /** What the window has used so far (0 for a window no one has drawn on). */
  async used(pk: string, signal?: AbortSignal): Promise<number> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { [K.partitionKey]: { S: pk } },
        ConsistentRead: true,
        ProjectionExpression: '#used',
        ExpressionAttributeNames: { '#used': K.used },
      }),
      { abortSignal: signal },
    );
    return Number(out.Item?.[K.used]?.N ?? 0);
  }
}

/** A number as DynamoDB's N: plain decimal, at most 38 significant digits (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html). */
function decimal(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(12).replace(/0+$/, '').replace(/\.$/, '');
}
