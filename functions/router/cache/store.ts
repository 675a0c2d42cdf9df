import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CACHE_TABLE_KEYS } from '../../../contracts/response-cache';
import type { ModelAnswer } from '../backends/backend';

/** A cached answer and who gave it. */
export interface CachedAnswer {
  readonly answer: ModelAnswer;
  readonly modelId: string;
  readonly region: string;
  /** Epoch milliseconds of the write. */
  readonly storedAt: number;
}

/** DynamoDB's item limit is 400 KB; an answer near it is not cached (the write would fail). */
export const MAX_CACHED_ANSWER_BYTES = 350_000;

/**
 * Reads and writes cached answers by key. The answer is stored as an attribute of the item, which
 * the table encrypts at rest with the environment's KMS key; the key is a hash, so no prompt text is
 * stored anywhere but inside the (encrypted) answer. Every method may throw DynamoDB's errors or
 * the abort of its signal: the caller bounds and survives them.
 */
export class ResponseCacheStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  /** The answer under `key`, unless there is none or it expired (TTL deletes lazily, up to days later). */
  async get(key: string, now: number, signal?: AbortSignal): Promise<CachedAnswer | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: { [CACHE_TABLE_KEYS.partitionKey]: { S: key } } }),
      { abortSignal: signal },
    );
    const item = out.Item;
    const expiresAt = Number(item?.[CACHE_TABLE_KEYS.expiry]?.N);
    if (item === undefined || !(expiresAt * 1000 > now) || item.answer?.S === undefined) return undefined;
    return {
      answer: JSON.parse(item.answer.S) as ModelAnswer,
      modelId: item.model?.S ?? '',
      region: item.region?.S ?? '',
      storedAt: Number(item.storedAt?.N ?? 0),
    };
  }

  /** Stores an answer for `ttlSeconds`; false (nothing written) when it is too large for one item. */
  async put(key: string, value: CachedAnswer, ttlSeconds: number, signal?: AbortSignal): Promise<boolean> {
    const answer = JSON.stringify({
      content: value.answer.content,
      stopReason: value.answer.stopReason,
      usage: value.answer.usage,
      ...(value.answer.additionalModelResponseFields !== undefined
        ? { additionalModelResponseFields: value.answer.additionalModelResponseFields }
        : {}),
    });
    if (Buffer.byteLength(answer) > MAX_CACHED_ANSWER_BYTES) return false;
    await this.client.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          [CACHE_TABLE_KEYS.partitionKey]: { S: key },
          [CACHE_TABLE_KEYS.expiry]: { N: String(Math.ceil(value.storedAt / 1000) + ttlSeconds) },
          answer: { S: answer },
          model: { S: value.modelId },
          region: { S: value.region },
          storedAt: { N: String(value.storedAt) },
        },
      }),
      { abortSignal: signal },
    );
    return true;
  }
}
