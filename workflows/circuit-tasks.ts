import {
  CIRCUIT_ATTRIBUTE_NAMES,
  CIRCUIT_TABLE_KEYS,
  CIRCUIT_TRANSITIONS,
  circuitLifetimeSeconds,
  type CircuitTransition,
} from '../contracts/circuit';
import { parameter, type Json, type ParameterValue } from './asl';

/**
 * The circuit item as the workflows read and write it: the optimized DynamoDB integration's
 * GetItem and UpdateItem (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html),
 * with the transitions the router uses too (contracts/circuit.ts), so both move a circuit
 * the same way.
 *
 * `tableName` is the table's name or its ARN: both APIs take either in `TableName` ("You can also
 * provide the Amazon Resource Name (ARN) of the table in this parameter",
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-TableName,
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#DDB-UpdateItem-request-TableName).
 * The stack passes the ARN.
 */
export const GET_ITEM_TASK = 'arn:aws:states:::dynamodb:getItem';
export const UPDATE_ITEM_TASK = 'arn:aws:states:::dynamodb:updateItem';

/** Seconds from now to the TTL of an item written after a failure: as long as the router keeps one, plus a second. */
export const itemExpirySeconds = (windowSeconds: number, cooldownSeconds: number): number =>
  circuitLifetimeSeconds({ windowSeconds, cooldownSeconds }) + 1;

/** The key of the item with partition key `pk` (a literal or a path). */
const itemKey = (pk: ParameterValue): Json => ({ [CIRCUIT_TABLE_KEYS.partitionKey]: parameter('S', pk) });

/** GetItem of one circuit item. */
export function readCircuitParameters(tableName: string, pk: ParameterValue): Json {
  return { TableName: tableName, Key: itemKey(pk) };
}

/**
 * One circuit transition as the parameters of an UpdateItem: the router's expressions and constants
 * (CIRCUIT_TRANSITIONS), with this workflow's values (JSONPath references) for the placeholders
 * that vary.
 */
export function transitionParameters(
  name: CircuitTransition,
  tableName: string,
  pk: ParameterValue,
  values: Record<string, Json>,
): Json {
  const t = CIRCUIT_TRANSITIONS[name];
  return {
    TableName: tableName,
    Key: itemKey(pk),
    UpdateExpression: t.update,
    ConditionExpression: t.condition,
    ExpressionAttributeNames: { ...CIRCUIT_ATTRIBUTE_NAMES },
    ExpressionAttributeValues: { ...t.constants, ...values },
    ReturnValues: 'ALL_NEW',
  };
}
