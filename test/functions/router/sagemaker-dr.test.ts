import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { circuitKey } from '../../../contracts/circuit';
import { CircuitStore } from '../../../functions/router/circuit-store';
import { Harness, TARGET, call, converse, userText } from './harness';

/*
 * prod's SageMaker model has a DR endpoint in us-west-2 (environments/prod.json,
 * sagemaker.disasterRecovery): the routing table lists it as the model's second target. The real
 * router and the real SageMaker Runtime client call the loopback SageMaker Runtime, which tells the
 * Regions apart by the SigV4 signature's Region, as the two Regional service endpoints would.
 */
const h = new Harness();
let client: DynamoDBClient;
beforeAll(async () => {
  await h.start();
  client = h.dynamo.client();
});
afterAll(async () => {
  client.destroy();
  await h.stop();
});
beforeEach(() => h.reset());

const ask = userText('Where is my invoice?');
const MODEL = 'llama-3-8b-support-lora';
const sagemakerCalls = () => h.sagemaker.calls.map((c) => `${c.target}@${c.region} ${c.status}`);

describe('SageMaker DR endpoint', () => {
  it('fails over from the primary endpoint to the DR endpoint in the failover Region', async () => {
    h.sagemaker.set(TARGET.supportEndpoint, { failRate: 1, errorType: 'ServiceUnavailable' }, 'us-east-1');
    const res = await call(await h.router(), converse('support', ask));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: MODEL, region: 'us-west-2' });
    // Retried in its own Region (ServiceUnavailable is retryable), then the DR endpoint answered.
    expect(sagemakerCalls()).toEqual([
      `${TARGET.supportEndpoint}@us-east-1 503`,
      `${TARGET.supportEndpoint}@us-east-1 503`,
      `${TARGET.supportDrEndpoint}@us-west-2 200`,
    ]);
    expect(h.bedrockCalls()).toEqual([]);
  });

  it('opens the circuit of the primary endpoint and sends the next request straight to the DR endpoint', async () => {
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.sagemaker.set(TARGET.supportEndpoint, { failRate: 1, errorType: 'ModelError' }, 'us-east-1');
    for (let i = 0; i < 3; i++)
      expect((await call(router, converse('support', ask))).body.routing).toMatchObject({
        model: MODEL,
        region: 'us-west-2',
      });
    expect(await store.read(circuitKey(MODEL, 'us-east-1'))).toMatchObject({
      state: 'OPEN',
      failures: 3,
      lastErrorKind: 'model-error',
    });
    // The DR endpoint's circuit is its own, and closed.
    expect((await store.read(circuitKey(MODEL, 'us-west-2')))?.state ?? 'CLOSED').toBe('CLOSED');

    h.sagemaker.reset();
    const res = await call(router, converse('support', ask));
    expect(res.body.routing).toMatchObject({ model: MODEL, region: 'us-west-2' });
    expect(res.body.routing?.skipped).toContainEqual({ model: MODEL, reason: 'circuit open in us-east-1' });
    expect(sagemakerCalls()).toEqual([`${TARGET.supportDrEndpoint}@us-west-2 200`]);
  });

  it('calls the primary endpoint alone while it answers', async () => {
    const res = await call(await h.router(), converse('support', ask));
    expect(res.body.routing).toMatchObject({ model: MODEL, region: 'us-east-1' });
    expect(sagemakerCalls()).toEqual([`${TARGET.supportEndpoint}@us-east-1 200`]);
  });
});
