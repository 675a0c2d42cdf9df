import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadProject } from '../../catalog';
import { parseDataset } from '../../evaluation/dataset';
import { TargetCallError, apiTarget, bedrockInvokeId } from '../../evaluation/targets';

const catalog = loadProject({ only: ['prod'] }).catalog;
const [example] = parseDataset(
  '{"id":"t","system":"Translate.","prompt":"Hello","expected":"Bonjour","scorer":{"type":"similarity"}}',
  'inline.jsonl',
).examples;

describe('bedrockInvokeId', () => {
  it('calls a model through the inference profile covering the Region, else by its model id', () => {
    expect(bedrockInvokeId(catalog, 'claude-sonnet-4', 'us-east-1')).toBe('us.anthropic.claude-sonnet-4-20250514-v1:0');
    expect(bedrockInvokeId(catalog, 'mistral-large', 'us-east-1')).toBe('mistral.mistral-large-2402-v1:0');
  });

  it('fails for a SageMaker model, a model not served in the Region, and an unknown id', () => {
    expect(() => bedrockInvokeId(catalog, 'llama-3-8b-support-lora', 'us-east-1')).toThrow(
      'llama-3-8b-support-lora is hosted on SageMaker: evaluate it through --target api on a route that serves it',
    );
    expect(() => bedrockInvokeId(catalog, 'nova-micro', 'eu-west-3')).toThrow('nova-micro is not served in eu-west-3');
    expect(() => bedrockInvokeId(catalog, 'gpt-9', 'us-east-1')).toThrow('unknown model "gpt-9"');
  });
});

describe('apiTarget', () => {
  let seen: { url?: string; headers?: IncomingHttpHeaders; body?: string } = {};
  let status = 200;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen = { url: req.url, headers: req.headers, body };
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({
              output: { message: { role: 'assistant', content: [{ text: 'Bonjour' }] } },
              usage: { inputTokens: 12, outputTokens: 2 },
              model: 'mistral-large',
            })
          : '{"message":"slow down"}',
      );
    });
  });
  let baseUrl = '';

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIDEVALTEST', AWS_SECRET_ACCESS_KEY: 'secret' });
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the example to the route, signed with SigV4 for execute-api, and names the model that answered', async () => {
    status = 200;
    const target = apiTarget(baseUrl, 'translate', 'us-east-1');
    const reply = await target.invoke('translate', example, new AbortController().signal);
    expect(reply).toMatchObject({ text: 'Bonjour', model: 'mistral-large', inputTokens: 12, outputTokens: 2 });
    expect(seen.url).toBe('/v1/routes/translate/converse');
    expect(seen.headers?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEVALTEST\/\d{8}\/us-east-1\/execute-api\/aws4_request, SignedHeaders=[^,]*host[^,]*, Signature=[0-9a-f]{64}$/,
    );
    expect(seen.headers?.['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(JSON.parse(seen.body!)).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      system: [{ text: 'Translate.' }],
    });
  });

  it("sends the consumer's API key, which the environment's usage plans require", async () => {
    status = 200;
    await apiTarget(baseUrl, 'translate', 'us-east-1', 'team-key-123').invoke(
      'translate',
      example,
      new AbortController().signal,
    );
    expect(seen.headers?.['x-api-key']).toBe('team-key-123');
    expect(seen.headers?.authorization).toMatch(/SignedHeaders=[^,]*x-api-key/);
  });

  it('fails a 429 as ThrottlingException, which the runner retries', async () => {
    status = 429;
    const target = apiTarget(baseUrl, 'translate', 'us-east-1');
    const err = await target.invoke('translate', example, new AbortController().signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetCallError);
    expect(err).toMatchObject({ errorName: 'ThrottlingException', status: 429 });
  });
});
