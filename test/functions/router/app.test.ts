import fc from 'fast-check';
import { MAX_BODY_BYTES } from '../../../functions/router/http';
import { Harness, TARGET, call, converse, post, testTable, userText } from './harness';
import type { Handler } from '../../../functions/router/app';

const h = new Harness();
let router: Handler;
beforeAll(async () => {
  await h.start();
  router = await h.router({ pollSeconds: 3600 });
});
afterAll(() => h.stop());
beforeEach(() => h.reset());

describe('POST /v1/routes/{route}/converse', () => {
  it('answers with the output, usage, model, routing record and headers', async () => {
    const res = await call(
      router,
      converse('classify', {
        ...userText('Is this spam?'),
        system: [{ text: 'Answer yes or no.' }],
        inferenceConfig: { maxTokens: 10, temperature: 0 },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body.output?.message).toEqual({
      role: 'assistant',
      content: [{ text: `Simulated answer from ${TARGET.haiku} in us-east-1.` }],
    });
    expect(res.body.usage?.totalTokens).toBe((res.body.usage?.inputTokens ?? 0) + (res.body.usage?.outputTokens ?? 0));
    expect(res.body.model).toBe('claude-haiku-4-5');
    expect(res.body.routing).toMatchObject({
      route: 'classify',
      model: 'claude-haiku-4-5',
      catalogVersion: expect.any(String) as unknown,
      attempts: [{ model: 'claude-haiku-4-5', region: 'us-east-1', latencyMs: expect.any(Number) as unknown }],
    });
    expect(res.headers).toMatchObject({
      'x-fm-route': 'classify',
      'x-fm-model': 'claude-haiku-4-5',
      'x-fm-catalog-version': res.body.routing?.catalogVersion,
    });
  });

  it('logs one line per request without prompt text when logPromptText is false, and EMF metrics', async () => {
    await call(router, converse('classify', userText('secret prompt text')));
    const line = h.logs.find((l) => l.message === 'request');
    expect(line).toMatchObject({
      route: 'classify',
      model: 'claude-haiku-4-5',
      status: 200,
      inputTokens: expect.any(Number) as unknown,
      estimatedCostUsd: expect.any(Number) as unknown,
    });
    expect(JSON.stringify(h.logs)).not.toContain('secret prompt text');
    const emf = h.logs.find((l) => '_aws' in l);
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'FmPlatform',
            Dimensions: [['Environment'], ['Environment', 'Route'], ['Environment', 'Route', 'Model']],
          },
        ],
      },
      Environment: 'prod',
      Route: 'classify',
      Model: 'claude-haiku-4-5',
      Requests: 1,
      Fallbacks: 0,
    });
  });

  it('fails with 404 route_not_found and a did-you-mean for an unknown route', async () => {
    const res = await call(router, converse('clasify', userText('hi')));
    expect(res.status).toBe(404);
    expect(res.body.error).toEqual({
      code: 'route_not_found',
      message: 'no route "clasify"; did you mean "classify"? (GET /v1/routes lists them)',
      type: 'not_found_error',
      param: null,
      requestId: 'req-1',
    });
  });

  it('fails with 404 for an inherited property name used as a route', async () => {
    expect((await call(router, converse('constructor', userText('hi')))).status).toBe(404);
  });

  it('fails with 400 invalid_json for a malformed body', async () => {
    const res = await call(router, post('/v1/routes/classify/converse', '{"messages": ['));
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('invalid_json');
  });

  it('fails with 413 for a body over the size limit', async () => {
    const res = await call(router, converse('classify', userText('x'.repeat(MAX_BODY_BYTES + 1))));
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('payload_too_large');
  });

  it('fails with 415 for a body that is not JSON content', async () => {
    const res = await call(
      router,
      post('/v1/routes/classify/converse', 'a=b', { 'Content-Type': 'application/x-www-form-urlencoded' }),
    );
    expect(res.status).toBe(415);
  });

  it('accepts a base64-encoded body', async () => {
    const event = { ...converse('classify', userText('hi')), isBase64Encoded: true };
    const res = await call(router, { ...event, body: Buffer.from(event.body ?? '').toString('base64') });
    expect(res.status).toBe(200);
  });

  it('fails with 405 for a GET on the converse path and 404 for an unknown path', async () => {
    expect((await call(router, { httpMethod: 'GET', path: '/v1/routes/classify/converse', body: null })).status).toBe(
      405,
    );
    expect((await call(router, { httpMethod: 'GET', path: '/v2/nothing', body: null })).status).toBe(404);
  });
});

describe('POST /v1/chat/completions (OpenAI-compatible)', () => {
  it('answers a realistic OpenAI client request in the chat.completion shape', async () => {
    const res = await call(
      router,
      post('/v1/chat/completions', {
        model: 'chat',
        messages: [
          { role: 'system', content: 'You are a helpful assistant.' },
          { role: 'user', content: 'Hello! Can you help me plan a trip?' },
          { role: 'assistant', content: 'Of course. Where to?' },
          { role: 'user', content: [{ type: 'text', text: 'Somewhere warm in winter.' }] },
        ],
        max_tokens: 256,
        temperature: 0.7,
        top_p: 0.9,
        stop: ['\n\n'],
        user: 'user-123',
        stream: false,
        n: 1,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: 'chatcmpl-req-1',
      object: 'chat.completion',
      model: 'claude-haiku-4-5',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: `Simulated answer from ${TARGET.haiku} in us-east-1.` },
          finish_reason: 'stop',
        },
      ],
    });
    expect(typeof res.body.created).toBe('number');
    expect(res.body.usage).toBeDefined();
    const usage = res.body.usage as unknown as {
      prompt_tokens: number;
      completion_tokens: number;
      total_tokens: number;
    };
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
    expect(res.headers['x-fm-route']).toBe('chat');
  });

  it('fails with 404 and a did-you-mean for an unknown model (route)', async () => {
    const res = await call(
      router,
      post('/v1/chat/completions', { model: 'chatt', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(res.status).toBe(404);
    expect(res.body.error?.message).toContain('did you mean "chat"?');
  });
});

describe('GET /v1/routes', () => {
  it('lists the routes with their models', async () => {
    const res = await call(router, { httpMethod: 'GET', path: '/v1/routes', body: null });
    expect(res.status).toBe(200);
    expect(res.body.routes?.find((r) => r.id === 'support')).toMatchObject({
      models: ['llama-3-8b-support-lora', 'claude-haiku-4-5', 'nova-micro'],
    });
    expect(res.body.routes?.map((r) => r.id).sort()).toEqual(['chat', 'classify', 'code', 'support', 'translate']);
  });
});

describe('fuzz', () => {
  it('answers 1,000+ arbitrary bodies with a status below 500 and never throws', async () => {
    const messageLike = fc.record(
      {
        role: fc.oneof(fc.constant('user'), fc.constant('assistant'), fc.string()),
        content: fc.oneof(
          fc.array(fc.oneof(fc.record({ text: fc.oneof(fc.string(), fc.integer()) }), fc.object())),
          fc.string(),
          fc.constant(null),
        ),
      },
      { requiredKeys: [] },
    );
    const bodyLike = fc.oneof(
      fc.string(),
      fc.json(),
      fc.anything().map((v) => {
        try {
          return JSON.stringify(v) ?? 'null';
        } catch {
          return 'null';
        }
      }),
      fc
        .record(
          {
            messages: fc.oneof(fc.array(messageLike), fc.anything()),
            system: fc.anything(),
            inferenceConfig: fc.anything(),
            metadata: fc.anything(),
            toolConfig: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((b) => JSON.stringify(b)),
      fc
        .record(
          {
            model: fc.oneof(fc.constant('chat'), fc.string()),
            messages: fc.anything(),
            max_tokens: fc.anything(),
            stop: fc.anything(),
            temperature: fc.anything(),
          },
          { requiredKeys: [] },
        )
        .map((b) => JSON.stringify(b)),
    );
    const path = fc.constantFrom(
      '/v1/routes/chat/converse',
      '/v1/routes/classify/converse',
      '/v1/routes/%E0%A4%A/converse',
      '/v1/chat/completions',
      '/v1/routes',
    );
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        path,
        bodyLike,
        fc.constantFrom('POST', 'GET', 'PUT'),
        fc.boolean(),
        async (p, body, method, base64) => {
          runs++;
          const res = await router({
            httpMethod: method,
            path: p,
            headers: { 'content-type': 'application/json' },
            body: base64 ? Buffer.from(body).toString('base64') : body,
            isBase64Encoded: base64,
          });
          expect(res.statusCode).toBeLessThan(500);
          expect(() => JSON.parse(res.body) as unknown).not.toThrow();
        },
      ),
      { numRuns: 1200 },
    );
    expect(runs).toBe(1200);
  });
});

describe('Converse parity', () => {
  it('passes requestMetadata and additionalModelRequestFields to Bedrock and returns metrics and the asked response fields', async () => {
    const res = await call(
      router,
      converse('classify', {
        ...userText('Is this spam?'),
        requestMetadata: { team: 'payments', ticket: 'T-42' },
        additionalModelRequestFields: { top_k: 40 },
        additionalModelResponseFieldPaths: ['/stop_sequence'],
      }),
    );
    expect(res.status).toBe(200);
    const sent = h.bedrock.calls[0].body as Record<string, unknown>;
    expect(sent).toMatchObject({
      requestMetadata: { team: 'payments', ticket: 'T-42' },
      additionalModelRequestFields: { top_k: 40 },
      additionalModelResponseFieldPaths: ['/stop_sequence'],
    });
    const body = res.body as unknown as Record<string, unknown>;
    expect(body.metrics).toEqual({ latencyMs: expect.any(Number) as unknown });
    expect(body.additionalModelResponseFields).toEqual({ stop_sequence: 'sim:/stop_sequence' });
  });

  it.each([
    [
      { requestMetadata: { 'bad key!': 'x' } },
      'requestMetadata.bad key! must be a key of 1 to 256 letters, digits, spaces or :_@$#=/+,.-',
    ],
    [
      { additionalModelResponseFieldPaths: ['stop'] },
      'additionalModelResponseFieldPaths[0] must be a JSON pointer such as "/stop_sequence"',
    ],
    [{ additionalModelRequestFields: [1] }, 'additionalModelRequestFields must be an object'],
  ])('fails with 400 for %p', async (extra, message) => {
    const res = await call(router, converse('classify', { ...userText('hi'), ...extra }));
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe(message);
    expect(h.bedrock.calls).toHaveLength(0);
  });
});

describe('Converse guardrailConfig, within what the route allows', () => {
  async function guarded(): Promise<Handler> {
    const table = testTable();
    table.routes.classify.guardrail = { id: 'gr-1', version: '2' };
    h.setTable(table);
    return h.router({ pollSeconds: 0 });
  }

  it("passes the route's guardrail with the trace the request asks for", async () => {
    const res = await call(
      await guarded(),
      converse('classify', {
        ...userText('Is this spam?'),
        guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '2', trace: 'enabled' },
      }),
    );
    expect(res.status).toBe(200);
    expect((h.bedrock.calls[0].body as Record<string, unknown>).guardrailConfig).toEqual({
      guardrailIdentifier: 'gr-1',
      guardrailVersion: '2',
      trace: 'enabled',
    });
  });

  it('fails with 403 guardrail_not_allowed for another guardrail, or one on a route without a guardrail', async () => {
    const other = await call(
      await guarded(),
      converse('classify', {
        ...userText('hi'),
        guardrailConfig: { guardrailIdentifier: 'gr-9', guardrailVersion: '1' },
      }),
    );
    expect(other.status).toBe(403);
    expect(other.body.error).toMatchObject({
      code: 'guardrail_not_allowed',
      message: 'route "classify" applies its own guardrail (gr-1 version 2); a request cannot choose another',
    });
    const none = await call(
      router,
      converse('chat', { ...userText('hi'), guardrailConfig: { guardrailIdentifier: 'gr-1', guardrailVersion: '2' } }),
    );
    expect(none.status).toBe(403);
    expect(h.bedrock.calls).toHaveLength(0);
  });
});
describe('hostile input', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  const deepBodies: [string, (deep: string) => string][] = [
    [
      'toolUse.input',
      (deep) =>
        `{"messages":[{"role":"user","content":[{"text":"hi"}]},{"role":"assistant","content":[{"toolUse":{"toolUseId":"t","name":"f","input":${deep}}}]}]}`,
    ],
    [
      'a toolResult JSON block',
      (deep) =>
        `{"messages":[{"role":"user","content":[{"toolResult":{"toolUseId":"t","content":[{"json":${deep}}]}}]}]}`,
    ],
    [
      'a tool input schema',
      (deep) =>
        `{"messages":[{"role":"user","content":[{"text":"hi"}]}],"toolConfig":{"tools":[{"toolSpec":{"name":"f","inputSchema":{"json":${deep}}}}]}}`,
    ],
  ];

  it.each(deepBodies)(
    'fails with 400 naming the nesting limit, before any model call, for %s nested 10,000 levels',
    async (_where, body) => {
      const res = await call(router, post('/v1/routes/code/converse', body(nested(10_000))));
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_json', type: 'invalid_request_error', param: null });
      expect(res.body.error?.message).toMatch(/^the body nests deeper than 64 levels of arrays and objects/);
      expect(h.bedrock.calls).toHaveLength(0);
    },
  );

  it('serves a tool input nested 40 levels, under the limit', async () => {
    const res = await call(router, post('/v1/routes/code/converse', deepBodies[0][1](nested(40))));
    expect(res.status).toBe(200);
  });

  it('answers a 4.9 MB model name with a short 404: no suggestion, the name cut in the message', async () => {
    const model = 'x'.repeat(4_900_000);
    const res = await handlerResult(
      post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(res.statusCode).toBe(404);
    expect(res.body.length).toBeLessThan(1000);
    expect(JSON.parse(res.body)).toMatchObject({
      error: { code: 'route_not_found', message: expect.stringContaining('… (4900000 characters)') },
    });
  });

  it('fails with 404 for an operation path with something before it', async () => {
    const res = await call(router, post('/evil/v1/routes/chat/converse', userText('hi')));
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: 'not_found_error', param: null });
    expect(h.bedrock.calls).toHaveLength(0);
  });

  it('fails with 415 for a body in another charset than UTF-8', async () => {
    const res = await call(
      router,
      post('/v1/routes/classify/converse', JSON.stringify(userText('hi')), {
        'content-type': 'application/json; charset=utf-16',
      }),
    );
    expect(res.status).toBe(415);
    expect(res.body.error).toMatchObject({
      code: 'unsupported_media_type',
      message: 'the body must be UTF-8 JSON, not charset "utf-16"',
      type: 'invalid_request_error',
      param: null,
    });
  });

  it('accepts charset=UTF-8', async () => {
    const res = await call(
      router,
      post('/v1/routes/classify/converse', JSON.stringify(userText('hi')), {
        'content-type': 'application/json; charset="UTF-8"',
      }),
    );
    expect(res.status).toBe(200);
  });
});

function handlerResult(event: Parameters<Handler>[0]) {
  return router(event);
}
