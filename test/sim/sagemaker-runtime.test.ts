import { InvokeEndpointCommand, SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { SAGEMAKER_ERROR_STATUS, SageMakerRuntimeSim } from '../../sim/sagemaker-runtime';

const sim = new SageMakerRuntimeSim();
let client: SageMakerRuntimeClient;

beforeAll(async () => {
  client = new SageMakerRuntimeClient({
    region: 'us-east-1',
    endpoint: await sim.listen(),
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  client.destroy();
  await sim.close();
});
beforeEach(() => sim.reset());

const invoke = (adapter?: string) =>
  client.send(
    new InvokeEndpointCommand({
      EndpointName: 'ep',
      ContentType: 'application/json',
      Body: new TextEncoder().encode(
        JSON.stringify({ inputs: 'User: hi\nAssistant:', parameters: {}, ...(adapter ? { adapters: adapter } : {}) }),
      ),
    }),
  );

describe('SageMakerRuntimeSim', () => {
  it('answers the LMI JSON and sees the adapter the payload names', async () => {
    const out = await invoke('billing');
    expect(JSON.parse(new TextDecoder().decode(out.Body))).toEqual({
      generated_text: 'Simulated answer from ep (billing) in us-east-1.',
    });
    await invoke();
    expect(sim.adapters).toEqual(['billing', undefined]);
  });

  it('answers a raw body in place of the LMI JSON when the behaviour gives one', async () => {
    sim.set('ep', { rawBody: 'not json' });
    expect(new TextDecoder().decode((await invoke()).Body)).toBe('not json');
  });

  it.each(Object.entries(SAGEMAKER_ERROR_STATUS))(
    'fails with %s that the SDK parses into that exception name and status %i',
    async (type, status) => {
      sim.set('ep', { failRate: 1, errorType: type });
      const err = (await invoke().catch((e: unknown) => e)) as Error & { $metadata: { httpStatusCode: number } };
      expect(err.name).toBe(type);
      expect(err.$metadata.httpStatusCode).toBe(status);
    },
  );
});
