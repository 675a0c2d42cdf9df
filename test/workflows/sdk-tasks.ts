import * as cloudwatch from '@aws-sdk/client-cloudwatch';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as sagemaker from '@aws-sdk/client-sagemaker';
import type { StateMachineDefinition } from '../../workflows/asl';
import { DEPLOYMENT_STATES, DR_PHASE, LAMBDA_INVOKE_TASK } from '../../workflows/deployment-workflow';
import { taskError } from './harness';

type Handler = (input: Record<string, unknown>) => Promise<unknown>;
type Client = { send(command: unknown): Promise<unknown> };

const SDK_TASK = /^arn:aws:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)$/;

/** Each SDK integration's service: the client library's module and how Step Functions names its errors. */
const SERVICES: Record<string, { module: Record<string, unknown>; errorPrefix: string }> = {
  sagemaker: { module: sagemaker, errorPrefix: 'SageMaker' },
  cloudwatch: { module: cloudwatch, errorPrefix: 'CloudWatch' },
};

/**
 * What Step Functions returns of an SDK call: the API's answer in its own PascalCase shape, timestamps
 * as text, without the SDK's `$metadata`.
 */
function asTaskOutput(out: unknown): unknown {
  const rest: Record<string, unknown> = { ...(out as Record<string, unknown>) };
  delete rest.$metadata;
  return JSON.parse(JSON.stringify(rest)) as unknown;
}

/**
 * An AWS SDK integration task run by the real client: `arn:aws:states:::aws-sdk:sagemaker:createModel`
 * sends `CreateModelCommand` with the task's parameters. An error is named as Step Functions names it,
 * `<Service>.<Exception>`, with the Exception suffix even where the API's own name lacks it
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html).
 */
function sdkTask(service: string, action: string, client: Client): Handler {
  const s = SERVICES[service];
  if (s === undefined) throw new Error(`no client for the SDK integration of ${service}`);
  const Command = s.module[`${action[0].toUpperCase()}${action.slice(1)}Command`] as
    (new (input: unknown) => unknown) | undefined;
  if (Command === undefined) throw new Error(`@aws-sdk/client-${service} has no command for ${action}`);
  return async (input) => {
    try {
      return asTaskOutput(await client.send(new Command(input)));
    } catch (err) {
      const name = (err as Error).name;
      throw taskError(
        `${s.errorPrefix}.${name.endsWith('Exception') ? name : `${name}Exception`}`,
        (err as Error).message,
      );
    }
  };
}

export interface TaskClients {
  readonly sagemaker: sagemaker.SageMakerClient;
  readonly cloudwatch: cloudwatch.CloudWatchClient;
  readonly dynamodb: DynamoDBClient;
  /** What the EventBridge PutEvents task sent (no EventBridge client library is installed: recorded, not sent). */
  readonly events: unknown[];
  /** Lambda functions by ARN, run in-process as Lambda would run them for `lambda:invoke`. @default - none */
  readonly lambdas?: Readonly<Record<string, (payload: never) => Promise<unknown>>>;
}

/** A handler for every Task state of a definition, by state name, each run by a real SDK client. */
export function sdkHandlers(definition: StateMachineDefinition, clients: TaskClients): Record<string, Handler> {
  const handlers: Record<string, Handler> = {};
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== 'Task') continue;
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    const sdk = SDK_TASK.exec(resource);
    if (sdk !== null) {
      const client = sdk[1] === 'cloudwatch' ? clients.cloudwatch : clients.sagemaker;
      handlers[name] = sdkTask(sdk[1], sdk[2], client);
    } else if (resource === 'arn:aws:states:::dynamodb:putItem') {
      handlers[name] = async (input) => {
        await clients.dynamodb.send(
          new PutItemCommand(input as unknown as ConstructorParameters<typeof PutItemCommand>[0]),
        );
        return {};
      };
    } else if (resource === LAMBDA_INVOKE_TASK) {
      // The optimized integration's answer: the function's result in Payload
      // (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html); a thrown error is the
      // task's error, named by the error's name (the Node.js runtime's errorType).
      handlers[name] = async (input) => {
        const fn = clients.lambdas?.[String(input.FunctionName)];
        if (fn === undefined)
          throw taskError('Lambda.ResourceNotFoundException', `no function ${String(input.FunctionName)}`);
        try {
          return { Payload: await fn(input.Payload as never), StatusCode: 200, ExecutedVersion: '$LATEST' };
        } catch (err) {
          throw taskError((err as Error).name, (err as Error).message);
        }
      };
    } else if (resource === 'arn:aws:states:::events:putEvents') {
      handlers[name] = (input) => {
        clients.events.push(input);
        return Promise.resolve({ Entries: [{ EventId: `sim-${clients.events.length}` }], FailedEntryCount: 0 });
      };
    } else throw new Error(`no local handler for ${resource} (state ${name})`);
  }
  return handlers;
}

// aws-local-stepfunctions, loaded by harness.ts after its Node 20 polyfill.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { StateMachine } = require('aws-local-stepfunctions') as {
  StateMachine: new (
    definition: unknown,
    options?: unknown,
  ) => { run(input: unknown, options?: unknown): { result: Promise<unknown> } };
};

/**
 * Runs a deployment workflow in the local ASL interpreter with every task on a real client, no waits
 * between polls, and the execution named `name` (the interpreter sets its own start time). A Fail state
 * rejects with the interpreter's ExecutionError, whose `cause` is the Fail state's error.
 */
export function runDeployment(
  definition: StateMachineDefinition,
  input: unknown,
  clients: TaskClients,
  name: string,
  account = '111111111111',
): Promise<unknown> {
  const machine = new StateMachine(definition, { validationOptions: { checkPaths: false } });
  const handlers = sdkHandlers(definition, clients);
  return machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: handlers,
      waitTimeOverrides: { [DEPLOYMENT_STATES.wait]: 0, [`${DR_PHASE}${DEPLOYMENT_STATES.wait}`]: 0 },
      retryIntervalOverrides: Object.fromEntries(Object.keys(handlers).map((k) => [k, 0])),
    },
    context: { Execution: { Id: `arn:aws:states:us-east-1:${account}:execution:deploy:${name}`, Name: name } },
  }).result;
}
