import { BedrockRuntimeClient, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { EventStreamCodec } from '@smithy/core/event-streams';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { BedrockRuntimeSim } from '../../sim/bedrock-runtime';
import { chunksOf, eventStreamMessage, sampleOf, streamEvent } from '../../sim/bedrock-stream';

const sim = new BedrockRuntimeSim();
let client: BedrockRuntimeClient;
beforeAll(async () => {
  const endpoint = await sim.listen();
  client = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint,
    maxAttempts: 1,
    // HTTP/1.1, as the router's clients (the SDK's default for event streams is HTTP/2).
    requestHandler: new NodeHttpHandler(),
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const ask = { modelId: 'm', messages: [{ role: 'user' as const, content: [{ text: 'hi' }] }] };

async function events(input = ask): Promise<Record<string, unknown>[]> {
  const out = await client.send(new ConverseStreamCommand(input));
  const got: Record<string, unknown>[] = [];
  for await (const e of out.stream ?? []) got.push(e as unknown as Record<string, unknown>);
  return got;
}

describe('the simulated ConverseStream', () => {
  it('is decoded by the real SDK: messageStart, text deltas, stop, metadata', async () => {
    sim.set('m', { answer: 'one two three' });
    const got = await events();
    expect(got.map((e) => Object.keys(e)[0])).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockDelta',
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(got[1]).toEqual({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'one ' } } });
  });

  it('streams a forced tool call as contentBlockStart and a toolUse input delta', async () => {
    const got = await events({
      ...ask,
      toolConfig: {
        tools: [
          {
            toolSpec: { name: 't', inputSchema: { json: { type: 'object', properties: { n: { type: 'integer' } } } } },
          },
        ],
        toolChoice: { tool: { name: 't' } },
      },
    } as typeof ask);
    expect(got[1]).toMatchObject({ contentBlockStart: { start: { toolUse: { name: 't' } } } });
    expect(got[2]).toEqual({ contentBlockDelta: { contentBlockIndex: 0, delta: { toolUse: { input: '{"n":1}' } } } });
    expect(got.find((e) => 'messageStop' in e)).toEqual({ messageStop: { stopReason: 'tool_use' } });
  });

  it('ends with the exception event after failAfterChunks, which the SDK raises', async () => {
    sim.set('m', { answer: 'a b c d', failAfterChunks: 2 });
    const got: string[] = [];
    const err = await (async () => {
      const out = await client.send(new ConverseStreamCommand(ask));
      for await (const e of out.stream ?? []) got.push(Object.keys(e)[0]);
    })().catch((e: unknown) => e);
    expect(got).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta']);
    expect(err).toMatchObject({ name: 'ModelStreamErrorException' });
  });

  it('stalls before the first token and spaces the chunks as told', async () => {
    sim.set('m', { answer: 'a b c', firstTokenDelayMs: 120, chunkDelayMs: 30 });
    const out = await client.send(new ConverseStreamCommand(ask));
    const started = performance.now();
    const at: number[] = [];
    for await (const e of out.stream ?? []) if (e.contentBlockDelta) at.push(performance.now() - started);
    expect(at[0]).toBeGreaterThanOrEqual(100);
    expect(at[2] - at[0]).toBeGreaterThanOrEqual(50);
  });
});

describe('eventStreamMessage', () => {
  it('frames a message with its lengths and both CRCs, as the SDK codec checks them', () => {
    const codec = new EventStreamCodec(toUtf8, fromUtf8);
    const m = eventStreamMessage({ ':event-type': 'x' }, Buffer.from('{}'));
    expect(m.readUInt32BE(0)).toBe(m.length);
    const decoded = codec.decode(m);
    expect(decoded.headers[':event-type']).toEqual({ type: 'string', value: 'x' });
    expect(toUtf8(decoded.body)).toBe('{}');
    const corrupt = Buffer.from(streamEvent('messageStart', { role: 'assistant' }));
    corrupt[corrupt.length - 6] ^= 0xff;
    expect(() => codec.decode(corrupt)).toThrow(/checksum/i);
  });
});

describe('sampleOf and chunksOf', () => {
  it('samples a value of a schema, required nesting included', () => {
    expect(
      sampleOf({
        type: 'object',
        properties: {
          a: { type: 'string' },
          b: { type: 'array', items: { type: 'number', minimum: 3 } },
          c: { enum: ['x'] },
        },
      }),
    ).toEqual({ a: 'sample', b: [3], c: 'x' });
  });

  it('splits text into words with their spaces, losing nothing', () => {
    expect(chunksOf('one two  three')).toEqual(['one ', 'two  ', 'three']);
  });
});
