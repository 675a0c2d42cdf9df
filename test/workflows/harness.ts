import { GetItemCommand, UpdateItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CircuitStore } from '../../functions/router/circuit-store';
import { LocalDynamo } from '../../sim/dynamodb';
import type { StateMachineDefinition } from '../../workflows/asl';

// aws-local-stepfunctions 3 needs Promise.withResolvers (Node 22); Node 20 lacks it.
const P = Promise as unknown as {
  withResolvers?: () => { promise: Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };
};
P.withResolvers ??= () => {
  let resolve!: (v: unknown) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<unknown>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
};

type Handler = (input: Record<string, unknown>) => Promise<unknown>;

/** A task handler from a synchronous function (it may throw): the interpreter awaits a promise. */
export const task =
  (fn: (input: Record<string, unknown>) => unknown): Handler =>
  (input) =>
    Promise.resolve().then(() => fn(input));
interface RunOptions {
  overrides?: { taskResourceLocalHandlers?: Record<string, Handler>; retryIntervalOverrides?: Record<string, number> };
  context?: Record<string, unknown>;
}
interface LocalStateMachine {
  run(input: unknown, options?: RunOptions): { result: Promise<unknown> };
}
// Required after the polyfill on purpose (an import would be hoisted above it).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as {
  StateMachine: new (definition: unknown, options?: unknown) => LocalStateMachine;
};

// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};

/** asl-validator mutates its input: give it a deep copy, and no options (an options object replaces every default). */
export const validateDefinition = (d: StateMachineDefinition) => aslValidator(JSON.parse(JSON.stringify(d)) as unknown);

/** An error as a Step Functions task surfaces it: the interpreter matches Retry/Catch on `name`. */
export function taskError(name: string, message = name): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

/** A circuit table's ARN, as the stack passes it to the workflows' DynamoDB tasks (`circuits.tableArn`). */
export const tableArn = (region: string, account: string, name: string): string =>
  `arn:aws:dynamodb:${region}:${account}:table/${name}`;

const TABLE_ARN = /^arn:aws:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;

/**
 * DynamoDB takes a table's name or its ARN in `TableName`
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_GetItem.html#DDB-GetItem-request-TableName).
 * dynalite predates ARNs (it checks the name pattern), so the handlers resolve an ARN to its table
 * name, and refuse one that is malformed or names a table in another Region than the client's.
 */
async function withTableName(client: DynamoDBClient, input: Record<string, unknown>): Promise<Record<string, unknown>> {
  const tableName = String(input.TableName);
  if (!tableName.startsWith('arn:')) return input;
  const arn = TABLE_ARN.exec(tableName);
  const region = await client.config.region();
  if (arn === null || arn[1] !== region)
    throw taskError('DynamoDB.ValidationException', `not a table ARN in ${region}: ${tableName}`);
  return { ...input, TableName: arn[3] };
}

/** DynamoDB tasks backed by the real SDK client (dynalite): the items written are real items. */
export function dynamoHandlers(client: DynamoDBClient) {
  const getItem: Handler = async (input) => {
    const out = await client.send(
      new GetItemCommand(
        (await withTableName(client, input)) as unknown as ConstructorParameters<typeof GetItemCommand>[0],
      ),
    );
    return out.Item ? { Item: out.Item } : {};
  };
  const updateItem: Handler = async (input) => {
    const request = await withTableName(client, input);
    try {
      const out = await client.send(
        new UpdateItemCommand(request as unknown as ConstructorParameters<typeof UpdateItemCommand>[0]),
      );
      return { Attributes: out.Attributes };
    } catch (err) {
      // The optimized DynamoDB integration names service errors `DynamoDB.<Exception>`.
      if ((err as Error).name === 'ConditionalCheckFailedException')
        throw taskError('DynamoDB.ConditionalCheckFailedException', (err as Error).message);
      throw err;
    }
  };
  return { getItem, updateItem };
}

/**
 * Runs a definition with local handlers, retries without waiting, and the clock at `now`: epoch ms
 * (as an ISO timestamp with three fraction digits) or the `$$.State.EnteredTime` text itself.
 */
export async function execute(
  definition: StateMachineDefinition,
  input: unknown,
  handlers: Record<string, Handler>,
  now: number | string,
): Promise<unknown> {
  const iso = typeof now === 'string' ? now : new Date(now).toISOString();
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: false } });
  const retryIntervalOverrides = Object.fromEntries(Object.keys(handlers).map((k) => [k, 0]));
  return machine.run(input, {
    overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
    context: { Execution: { Input: input, StartTime: iso }, State: { EnteredTime: iso, Name: 'state' } },
  }).result;
}

/** A model task that answers per cue: each call takes the next behaviour (the last one repeats). */
export function modelTask(
  cues: readonly ('ok' | 'throttle' | 'timeout' | 'model-error' | 'invalid')[],
  answer: unknown = { text: 'hello' },
) {
  const calls: unknown[] = [];
  const handler: Handler = task((input) => {
    const cue = cues[Math.min(calls.length, cues.length - 1)];
    calls.push(input);
    switch (cue) {
      case 'ok':
        return { Body: answer, ContentType: 'application/json' };
      case 'throttle':
        throw taskError('Bedrock.ThrottlingException', 'Too many requests');
      case 'timeout':
        throw taskError('States.Timeout', 'task timed out');
      case 'model-error':
        throw taskError('Bedrock.ModelErrorException', 'model crashed');
      case 'invalid':
        throw taskError('Bedrock.ValidationException', 'bad request');
    }
  });
  return { handler, calls };
}

/** A circuit table on dynalite, with the real SDK client and the router's circuit store over it. */
export async function startCircuitTable(tableName: string) {
  const dynamo = await LocalDynamo.start();
  await dynamo.createCircuitTable(tableName);
  const client = dynamo.client();
  const store = new CircuitStore(client, tableName);
  const close = async () => {
    client.destroy();
    await dynamo.close();
  };
  return { client, store, close };
}
