import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BEDROCK_ERROR_STATUS, BedrockRuntimeSim } from '../../sim/bedrock-runtime';

const sim = new BedrockRuntimeSim();
let client: BedrockRuntimeClient;
let west: BedrockRuntimeClient;

beforeAll(async () => {
  const url = await sim.listen();
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: url,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
  west = new BedrockRuntimeClient({
    region: 'us-west-2',
    endpoint: url,
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  client.destroy();
  west.destroy();
  await sim.close();
});
beforeEach(() => sim.reset());

const converse = (c: BedrockRuntimeClient, modelId = 'us.amazon.nova-lite-v1:0') =>
  c.send(new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'hello' }] }] }));

describe('BedrockRuntimeSim', () => {
  it('answers Converse in the shape the SDK parses, naming the model and the signed Region', async () => {
    const out = await converse(west);
    expect(out.output?.message?.content?.[0]?.text).toBe(
      'Simulated answer from us.amazon.nova-lite-v1:0 in us-west-2.',
    );
    expect(out.stopReason).toBe('end_turn');
    expect(out.usage?.inputTokens).toBeGreaterThan(0);
    expect(sim.calls.map((c) => [c.target, c.region, c.status])).toEqual([
      ['us.amazon.nova-lite-v1:0', 'us-west-2', 200],
    ]);
  });

  it.each(Object.entries(BEDROCK_ERROR_STATUS))(
    'fails with %s that the SDK parses into that exception name and status %i',
    async (type, status) => {
      sim.set('m', { failRate: 1, errorType: type, errorMessage: 'Input is too long for requested model.' });
      const err = (await converse(client, 'm').catch((e: unknown) => e)) as Error & {
        $metadata: { httpStatusCode: number };
      };
      expect(err.name).toBe(type);
      expect(err.message).toBe('Input is too long for requested model.');
      expect(err.$metadata.httpStatusCode).toBe(status);
    },
  );

  it('fails only in the Region it is told to', async () => {
    sim.set('m', { failRate: 1, errorType: 'ServiceUnavailableException' }, 'us-east-1');
    await expect(converse(client, 'm')).rejects.toMatchObject({ name: 'ServiceUnavailableException' });
    await expect(converse(west, 'm')).resolves.toMatchObject({ stopReason: 'end_turn' });
  });

  it('fails the first n calls, then answers', async () => {
    sim.set('m', { failFirst: 2, errorType: 'ThrottlingException' });
    await expect(converse(client, 'm')).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(converse(client, 'm')).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(converse(client, 'm')).resolves.toMatchObject({ stopReason: 'end_turn' });
  });

  it('answers a fixed text when told to', async () => {
    sim.set('m', { answer: 'forty-two' });
    const out = await converse(client, 'm');
    expect(out.output?.message?.content?.[0]?.text).toBe('forty-two');
  });
  it('answers Converse called with an application inference profile ARN it knows, in its Region', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/abc123';
    sim.defineApplicationProfile(
      arn,
      'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.amazon.nova-lite-v1:0',
    );
    sim.set(arn, { answer: 'from the profile' });
    const out = await converse(client, arn);
    expect(out.output?.message?.content?.[0]?.text).toBe('from the profile');
    expect(sim.calls.map((c) => [c.target, c.region, c.status])).toEqual([[arn, 'us-east-1', 200]]);
    expect(sim.copiedFrom(arn)).toBe(
      'arn:aws:bedrock:us-east-1:111111111111:inference-profile/us.amazon.nova-lite-v1:0',
    );
  });

  it('fails with ResourceNotFoundException for an application profile never created or of another Region', async () => {
    const arn = 'arn:aws:bedrock:us-east-1:111111111111:application-inference-profile/def456';
    await expect(converse(client, arn)).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    sim.defineApplicationProfile(arn, 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0');
    await expect(converse(west, arn)).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });
    expect(() => sim.defineApplicationProfile('us.amazon.nova-lite-v1:0', 'x')).toThrow(
      'not an application inference profile ARN: us.amazon.nova-lite-v1:0',
    );
  });
});
