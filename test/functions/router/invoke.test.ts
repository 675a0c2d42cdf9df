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
    expect(res.body.routing).toMatchObject({ model: 'claude-3-haiku', region: 'us-west-2' });
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
      'claude-3-haiku@us-east-1:throttled',
      'claude-3-haiku@us-east-1:throttled',
      'claude-3-haiku@us-west-2:throttled',
      'claude-3-haiku@us-west-2:throttled',
      'claude-3-haiku@us-east-2:throttled',
      'claude-3-haiku@us-east-2:throttled',
      'nova-micro@us-east-1:ok',
    ]);
    expect(res.headers['x-fm-model']).toBe('nova-micro');
  });

  it('answers after a retry when the throttling passes', async () => {
    h.bedrock.set(TARGET.haiku, { failFirst: 1, errorType: 'ThrottlingException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'claude-3-haiku', region: 'us-east-1' });
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
    expect(res.body.routing).toMatchObject({ model: 'claude-3-haiku', region: 'us-west-2' });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', status), haikuIn('us-west-2', 200)]);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ alert: true, model: 'claude-3-haiku', region: 'us-east-1', errorKind: kind }),
    );
  });

  it('fails with 400 model_rejected_request on a ValidationException, without a fallback', async () => {
    h.bedrock.set(TARGET.haiku, {
      failRate: 1,
      errorType: 'ValidationException',
      errorMessage: 'temperature is out of range',
    });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'model_rejected_request',
      message: 'the model rejected the request: temperature is out of range',
      requestId: 'req-1',
    });
    expect(h.bedrockCalls()).toEqual([haikuIn('us-east-1', 400)]);
  });

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

  it('fails with 503 all_candidates_failed when every candidate errors', async () => {
    h.bedrock.set('*', { failRate: 1, errorType: 'ModelErrorException' });
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('all_candidates_failed');
  });

  it('falls back from a failing SageMaker endpoint to the Bedrock fallback', async () => {
    h.sagemaker.set(TARGET.supportEndpoint, { failRate: 1, errorType: 'ModelError' });
    const res = await call(await h.router(), converse('support', userText('Where is my invoice?')));
    expect(res.body.routing).toMatchObject({ model: 'claude-3-haiku' });
    expect(res.body.routing?.attempts[0]).toMatchObject({ model: 'llama-3-8b-support-lora', errorKind: 'model-error' });
  });

  it.each([
    ['without generated_text', '{"text": "no such field"}'],
    ['with a body that is not JSON', 'Traceback (most recent call last):'],
  ])('counts a SageMaker answer %s as a model error and falls back', async (_, rawBody) => {
    h.sagemaker.set(TARGET.supportEndpoint, { rawBody });
    const res = await call(await h.router(), converse('support', userText('Where is my invoice?')));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'claude-3-haiku' });
    expect(res.body.routing?.attempts[0]).toMatchObject({ model: 'llama-3-8b-support-lora', errorKind: 'model-error' });
  });
});
