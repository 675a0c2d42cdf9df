import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadProject } from '../../catalog';
import { readEnv } from '../../functions/router/env';
import { SimStack } from '../../sim/stack';

const table = loadProject({ only: ['dev'] }).plans[0].routingTable;
let stack: SimStack;
const saved = { ...process.env };
beforeAll(async () => {
  stack = await SimStack.start(table, { circuitTable: 'circuits', pollSeconds: 0 });
});
afterAll(async () => {
  await stack.stop();
  process.env = saved;
});

describe('SimStack', () => {
  it('points the router at the simulators through its environment variables', () => {
    expect(process.env).toMatchObject(stack.env);
    const env = readEnv();
    expect(env).toMatchObject({
      environment: table.environment,
      circuitTable: 'circuits',
      pollIntervalMs: 0,
      region: table.region,
    });
    expect(env.appConfigUrl).toBe(`${stack.appconfig.url}${stack.configurationPath}`);
  });

  it('serves the routing table at the configuration path the environment names, and nowhere else', async () => {
    const res = await fetch(readEnv().appConfigUrl);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { catalogVersion: string }).catalogVersion).toBe(table.catalogVersion);
    expect((await fetch(`${stack.appconfig.url}${stack.configurationPath}-typo`)).status).toBe(404);
    stack.setTable({ replaced: true });
    expect(await (await fetch(readEnv().appConfigUrl)).json()).toEqual({ replaced: true });
  });

  it('creates the circuit table in the local DynamoDB', async () => {
    const client = stack.dynamo.client();
    const out = await client.send(new GetItemCommand({ TableName: 'circuits', Key: { pk: { S: 'none#us-east-1' } } }));
    client.destroy();
    expect(out.Item).toBeUndefined();
  });

  it('sets a behaviour on a catalog model by its routing-table id, the real SDK reaching it through AWS_ENDPOINT_URL_BEDROCK_RUNTIME', async () => {
    const [modelId, model] = Object.entries(table.models).find(([, m]) => m.hosting === 'bedrock') ?? [];
    if (modelId === undefined || model === undefined) throw new Error('the dev table has no Bedrock model');
    stack.setModel(modelId, { failRate: 1, errorType: 'ThrottlingException' });
    const client = new BedrockRuntimeClient({
      region: model.targets[0].region,
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler(),
    });
    const err = (await client
      .send(
        new ConverseCommand({ modelId: model.targets[0].id, messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
      )
      .catch((e: unknown) => e)) as Error;
    client.destroy();
    expect(err.name).toBe('ThrottlingException');
    expect(() => stack.setModel('no-such-model', {})).toThrow(
      `no model "no-such-model" in the ${table.environment} routing table`,
    );
  });
});
