import { Harness, TARGET, call, converse, testTable, userText } from './harness';

const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

const ask = userText('Is this spam?');
const haikuIn = (region: string, status: number) => `${TARGET.haiku}@${region} ${status}`;

describe('retry loop and fallbacks', () => {
  it.each([
    ['ThrottlingException', 429],
    ['ServiceUnavailableException', 503],
    ['InternalServerException', 500],
    ['ModelNotReadyException', 429],
  ])('retries %s with backoff, then fails over to the next Region of the same model', async (errorType, status) => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType }, 'us-east-1');
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', region: 'us-west-2' });
    expect(h.bedrockCalls()).toEqual([
      haikuIn('us-east-1', status),
      haikuIn('us-east-1', status),
      haikuIn('us-west-2', 200),
    ]);
  });

  it('uses the fallback model when the primary is throttled in every Region', async () => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ThrottlingException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'nova-micro' });
    expect(res.body.routing?.attempts.map((a) => `${a.model}@${a.region}:${a.errorKind ?? 'ok'}`)).toEqual([
      'claude-haiku-4-5@us-east-1:throttled',
      'claude-haiku-4-5@us-east-1:throttled',
      'claude-haiku-4-5@us-west-2:throttled',
      'claude-haiku-4-5@us-west-2:throttled',
      'claude-haiku-4-5@us-east-2:throttled',
      'claude-haiku-4-5@us-east-2:throttled',
      'nova-micro@us-east-1:ok',
    ]);
    expect(res.headers['x-fm-model']).toBe('nova-micro');
  });

  it('answers after a retry when the throttling passes', async () => {
    h.bedrock.set(TARGET.haiku, { failFirst: 1, errorType: 'ThrottlingException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', region: 'us-east-1' });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', 429), haikuIn('us-east-1', 200)]);
  });

  it.each([
    ['ModelTimeoutException', 408, 'timeout'],
    ['ModelErrorException', 424, 'model-error'],
    ['ServiceQuotaExceededException', 400, 'quota'],
  ])('falls back without retrying on %s', async (errorType, status, kind) => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'nova-micro' });
    expect(h.bedrockCalls()).toEqual([
      haikuIn('us-east-1', status),
      haikuIn('us-west-2', status),
      haikuIn('us-east-2', status),
      `${TARGET.novaMicro}@us-east-1 200`,
    ]);
    expect(res.body.routing?.attempts[0].errorKind).toBe(kind);
  });

  it.each([
    ['AccessDeniedException', 403, 'access-denied'],
    ['ResourceNotFoundException', 404, 'not-found'],
  ])('logs an alert and falls back on %s', async (errorType, status, kind) => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType }, 'us-east-1');
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', region: 'us-west-2' });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', status), haikuIn('us-west-2', 200)]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ alert: true, model: 'claude-haiku-4-5', region: 'us-east-1', errorKind: kind }),
    );
  });

  it('tries the next candidate once when a model rejects a request it has validated', async () => {
    h.bedrock.set(TARGET.haiku, {
      failRate: 1,
      errorType: 'ValidationException',
      errorMessage: 'temperature is out of range',
    });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'nova-micro' });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', 400), `${TARGET.novaMicro}@us-east-1 200`]);
    expect(res.body.routing?.attempts[0].errorKind).toBe('invalid-request');
  });

  it('fails with 400 model_rejected_request only when every candidate rejects the request', async () => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ValidationException', errorMessage: 'bad tool schema' });
    h.bedrock.set(TARGET.novaMicro, { failRate: 1, errorType: 'ValidationException', errorMessage: 'bad tool' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'model_rejected_request',
      message: 'every candidate rejected the request (2 models); the first said: bad tool schema',
      requestId: 'req-1',
    });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', 400), `${TARGET.novaMicro}@us-east-1 400`]);
  });

  it.each([
    ['The provided model identifier is invalid.', 'not-found', 'model identifier'],
    [
      'Invocation of model ID anthropic.claude-haiku-4-5-20251001-v1:0 with on-demand throughput isn\u2019t supported. Retry your request with the ID or ARN of an inference profile that contains this model.',
      'not-found',
      'throughput',
    ],
    ["You don't have access to the model with the specified model ID.", 'access-denied', 'access'],
    [
      'This model version has reached the end of its life. Please refer to the AWS documentation.',
      'not-found',
      'availability',
    ],
  ])(
    'treats the ValidationException "%s" as a platform fault: fallback, circuit, alert, never the caller\'s 400',
    async (errorMessage, kind, fault) => {
      h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ValidationException', errorMessage });
      const router = await h.router();
      const first = await call(router, converse('classify', ask));
      expect(first.status).toBe(200);
      expect(first.body.routing).toMatchObject({ model: 'nova-micro' });
      expect(first.body.routing?.attempts.map((a) => `${a.model}@${a.region}:${a.errorKind ?? 'ok'}`)).toEqual([
        `claude-haiku-4-5@us-east-1:${kind}`,
        `claude-haiku-4-5@us-west-2:${kind}`,
        `claude-haiku-4-5@us-east-2:${kind}`,
        'nova-micro@us-east-1:ok',
      ]);
      expect(h.logs).toContainEqual(
        expect.objectContaining({
          alert: true,
          model: 'claude-haiku-4-5',
          errorKind: kind,
          fault,
          error: 'ValidationException',
        }),
      );
      // Counted for the circuit: after the threshold (3) the primary is no longer called.
      for (let i = 0; i < 3; i++) expect((await call(router, converse('classify', ask))).status).toBe(200);
      h.bedrock.reset();
      const later = await call(router, converse('classify', ask));
      expect(later.status).toBe(200);
      expect(h.bedrockCalls()).toEqual([`${TARGET.novaMicro}@us-east-1 200`]);
      expect(later.body.routing?.skipped).toContainEqual({
        model: 'claude-haiku-4-5',
        reason: 'circuit open in us-east-1',
      });
    },
  );

  it.each([
    'Input is too long for requested model.',
    'prompt has too many tokens',
    'This model maximum context length is 8192 tokens',
  ])('falls back to a larger-context model on the context-length ValidationException "%s"', async (errorMessage) => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ValidationException', errorMessage });
    const res = await call(
      await h.router(),
      converse('chat', userText('Hello there, what is the weather like today?')),
    );
    expect(res.body.routing).toMatchObject({ model: 'nova-lite' });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', 400), `${TARGET.novaLite}@us-east-1 200`]);
    expect(res.body.routing?.attempts[0].errorKind).toBe('context-length');
  });

  it('times out a slow attempt with its abort signal and falls back', async () => {
    const table = testTable();
    table.routes.classify.resilience.attemptTimeoutMs = 150;
    h.setTable(table);
    h.bedrock.set(TARGET.haiku, { delayMs: 2000 });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'nova-micro' });
    expect(res.body.routing?.attempts.map((a) => a.errorKind ?? 'ok')).toEqual(['timeout', 'timeout', 'timeout', 'ok']);
  });

  it('fails with 504 latency_budget_exceeded when the route budget runs out', async () => {
    const table = testTable();
    table.routes.classify.resilience = {
      ...table.routes.classify.resilience,
      attemptTimeoutMs: 150,
      latencyBudgetMs: 250,
    };
    h.setTable(table);
    h.bedrock.set('*', { delayMs: 2000 });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(504);
    expect(res.body.error?.code).toBe('latency_budget_exceeded');
    expect(res.body.error?.attempts?.map((a) => a.errorKind)).toEqual(['timeout', 'timeout']);
  });

  it('fails with 429 all_candidates_throttled when every candidate throttles', async () => {
    h.bedrock.set('*', { failRate: 1, errorType: 'ThrottlingException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe('all_candidates_throttled');
  });

  it('answers an all-throttled chain with 429 and Retry-After, before and after its circuits open', async () => {
    h.bedrock.set('*', { failRate: 1, errorType: 'ThrottlingException' });
    const router = await h.router();
    for (let i = 0; i < 3; i++) {
      const res = await call(router, converse('classify', ask));
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
    }
    // Every circuit of the chain is open now (threshold 3, cooldown 1 s): no model is called.
    h.bedrock.calls.length = 0;
    const res = await call(router, converse('classify', ask));
    expect(h.bedrock.calls).toHaveLength(0);
    expect(res.body.routing).toBeUndefined();
    expect(res.status).toBe(429);
    expect(res.body.error?.code).toBe('all_candidates_throttled');
    expect(res.headers['retry-after']).toBe('1');
  });

  it('answers 503, not 429, when the chain failed in other ways than throttling too', async () => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' });
    h.bedrock.set(TARGET.novaMicro, { failRate: 1, errorType: 'ThrottlingException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('all_candidates_failed');
    // Issue 15: a 503 carries Retry-After too, from the circuits' cool-down (the route's backoff here).
    expect(res.headers['retry-after']).toMatch(/^[1-9]\d*$/);
  });

  it('fails with 503 all_candidates_failed when every candidate errors', async () => {
    h.bedrock.set('*', { failRate: 1, errorType: 'ModelErrorException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('all_candidates_failed');
  });

  it('falls back from a failing SageMaker endpoint and its DR endpoint to the Bedrock fallback', async () => {
    h.sagemaker.set(TARGET.supportEndpoint, { failRate: 1, errorType: 'ModelError' });
    h.sagemaker.set(TARGET.supportDrEndpoint, { failRate: 1, errorType: 'ModelError' });
    const res = await call(await h.router(), converse('support', userText('Where is my invoice?')));
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5' });
    expect(res.body.routing?.attempts[0]).toMatchObject({ model: 'llama-3-8b-support-lora', errorKind: 'model-error' });
  });

  it.each([
    ['without generated_text', '{"text": "no such field"}'],
    ['with a body that is not JSON', 'Traceback (most recent call last):'],
  ])('counts a SageMaker answer %s as a model error and falls back', async (_, rawBody) => {
    h.sagemaker.set(TARGET.supportEndpoint, { rawBody });
    h.sagemaker.set(TARGET.supportDrEndpoint, { rawBody });
    const res = await call(await h.router(), converse('support', userText('Where is my invoice?')));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5' });
    expect(res.body.routing?.attempts[0]).toMatchObject({ model: 'llama-3-8b-support-lora', errorKind: 'model-error' });
  });
});
