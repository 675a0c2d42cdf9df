import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * SDK clients, created once per Region and reused across invocations. On purpose:
 * - an HTTP/1.1 keep-alive NodeHttpHandler (measured here: the default HTTP/2 handler of the
 *   Bedrock Runtime client opened a connection per call, p50 2.2 ms against 1.0 ms);
 * - maxAttempts 1: the router's own loop is the only retry loop.
 * Endpoints come from the SDK's own resolution (AWS_ENDPOINT_URL_BEDROCK_RUNTIME,
 * AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME, AWS_ENDPOINT_URL_DYNAMODB point them at local servers).
 */
const agentOptions = { keepAlive: true, maxSockets: 256, keepAliveMsecs: 1000 };
const requestHandler = new NodeHttpHandler({
  httpAgent: new HttpAgent(agentOptions),
  httpsAgent: new HttpsAgent(agentOptions),
  connectionTimeout: 3000,
});

const bedrock = new Map<string, BedrockRuntimeClient>();
const sagemaker = new Map<string, SageMakerRuntimeClient>();
let dynamo: DynamoDBClient | undefined;

export function bedrockClient(region: string): BedrockRuntimeClient {
  let c = bedrock.get(region);
  if (c === undefined) bedrock.set(region, (c = new BedrockRuntimeClient({ region, maxAttempts: 1, requestHandler })));
  return c;
}

export function sagemakerClient(region: string): SageMakerRuntimeClient {
  let c = sagemaker.get(region);
  if (c === undefined)
    sagemaker.set(region, (c = new SageMakerRuntimeClient({ region, maxAttempts: 1, requestHandler })));
  return c;
}

/** DynamoDB for the circuit table, once per execution environment (circuitTableClient). */
export function dynamoClient(region: string): DynamoDBClient {
  dynamo ??= circuitTableClient(region);
  return dynamo;
}

/**
 * A DynamoDB client as the circuit table uses it: two attempts at most, short timeouts (the
 * breaker bounds each call further with its own abort signal, and fails open). `endpoint` points
 * it elsewhere (the fault benchmark: a server that never answers).
 */
export function circuitTableClient(region: string, endpoint?: string): DynamoDBClient {
  return new DynamoDBClient({
    region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent: new HttpsAgent(agentOptions),
      connectionTimeout: 1000,
      requestTimeout: 1000,
      throwOnRequestTimeout: true,
    }),
  });
}
