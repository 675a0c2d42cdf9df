import OpenAI from 'openai';
import { ResponseCache, ResponseCacheStore } from '../../../../functions/router/cache';
import { createHandler, routerDeps } from '../../../../functions/router/app';
import { readEnv } from '../../../../functions/router/env';
import { ROUTER_ENV } from '../../../../contracts/router-env';
import { circuitTableClient } from '../../../../functions/router/clients';
import type { APIGatewayProxyEventLike } from '../../../../functions/router/http-types';
import type { RoutingRecord } from '../../../../functions/router/routing-record';
import { call, converse, Harness, TARGET } from '../harness';

/** The real router and cache against dynalite and the Bedrock simulator; `classify` caches (model-catalog.json). */
const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

let n = 0;
/** A temperature-0 classify request of a text no other test sends, as team-a's key makes it. */
function request(
  options: { temperature?: number; consumer?: string | null; headers?: Record<string, string>; text?: string } = {},
): APIGatewayProxyEventLike {
  const event = converse('classify', {
    messages: [{ role: 'user', content: [{ text: options.text ?? `Is this a refund request? #${++n}` }] }],
    inferenceConfig: { temperature: options.temperature ?? 0, maxTokens: 20 },
  });
  const consumer = options.consumer === undefined ? 'team-a' : options.consumer;
  return {
    ...event,
    headers: { ...event.headers, ...options.headers },
    requestContext: { requestId: `req-${n}`, ...(consumer !== null ? { authorizer: { consumer } } : {}) },
  };
}
const haikuCalls = (): number => h.bedrock.calls.filter((c) => c.target === TARGET.haiku).length;

describe('the response cache', () => {
  it('answers a repeated temperature-0 request from the cache with no model call', async () => {
    const router = await h.router();
    const event = request();
    const first = await call(router, event);
    expect(first.status).toBe(200);
    expect(first.headers['x-fm-cache']).toBe('miss');
    expect(haikuCalls()).toBe(1);
    const second = await call(router, event);
    expect(second.status).toBe(200);
    expect(second.headers['x-fm-cache']).toBe('hit');
    expect(haikuCalls()).toBe(1);
    expect(second.body.output).toEqual(first.body.output);
    expect(second.body.routing).toMatchObject({ cache: 'hit', attempts: [], model: 'claude-haiku-4-5' });
    expect(h.logs.some((l) => l.message === 'answered from the response cache')).toBe(true);
    // No prompt text in any log line.
    expect(JSON.stringify(h.logs)).not.toContain('refund request');
  });

  it('keeps one consumer answers away from another', async () => {
    const router = await h.router();
    await call(router, request({ text: 'shared text A', consumer: 'team-a' }));
    const other = await call(router, request({ text: 'shared text A', consumer: 'team-b' }));
    expect(other.headers['x-fm-cache']).toBe('miss');
    expect(haikuCalls()).toBe(2);
  });

  it('skips the lookup under Cache-Control: no-cache, and the write under no-store', async () => {
    const router = await h.router();
    const text = 'no-cache text';
    await call(router, request({ text }));
    const fresh = await call(router, request({ text, headers: { 'Cache-Control': 'no-cache' } }));
    expect(fresh.headers['x-fm-cache']).toBe('bypass');
    expect(haikuCalls()).toBe(2);
    const unstored = 'no-store text';
    const a = await call(router, request({ text: unstored, headers: { 'cache-control': 'no-store' } }));
    expect(a.headers['x-fm-cache']).toBe('miss');
    expect((await call(router, request({ text: unstored }))).headers['x-fm-cache']).toBe('miss');
    expect(haikuCalls()).toBe(4);
  });

  it('does not cache a request with a temperature above 0, nor a caller without a consumer', async () => {
    const router = await h.router();
    const warm = request({ temperature: 0.7, text: 'warm text' });
    expect((await call(router, warm)).headers['x-fm-cache']).toBe('bypass');
    expect((await call(router, warm)).headers['x-fm-cache']).toBe('bypass');
    const sigv4 = request({ consumer: null, text: 'sigv4 text' });
    expect((await call(router, sigv4)).headers['x-fm-cache']).toBe('bypass');
    expect((await call(router, sigv4)).headers['x-fm-cache']).toBe('bypass');
    expect(haikuCalls()).toBe(4);
  });

  it('adds no header on a route that does not cache', async () => {
    const router = await h.router();
    const res = await call(router, converse('code', { messages: [{ role: 'user', content: [{ text: 'hi' }] }] }));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-cache']).toBeUndefined();
  });

  it('stops serving an answer once its TTL has passed', async () => {
    let now = Date.now();
    const deps = await h.routerDeps();
    const store = new ResponseCacheStore(h.dynamo.client(), readEnv().cacheTable);
    const router = createHandler({ ...deps, cache: new ResponseCache(store, 'prod', undefined, () => now) });
    const event = request();
    await call(router, event);
    expect((await call(router, event)).headers['x-fm-cache']).toBe('hit');
    now += 3600 * 1000 + 1000; // classify's ttlSeconds is 3600
    expect((await call(router, event)).headers['x-fm-cache']).toBe('miss');
    expect(haikuCalls()).toBe(2);
  });

  it('answers every request when the cache table is down, and counts the failures', async () => {
    // A table that does not exist answers ResourceNotFoundException; a closed port refuses connections.
    for (const cache of [
      new ResponseCacheStore(h.dynamo.client(), 'no-such-table'),
      new ResponseCacheStore(circuitTableClient('us-east-1', 'http://127.0.0.1:9'), 'fm-cache'),
    ]) {
      const router = createHandler({ ...(await h.routerDeps()), cache: new ResponseCache(cache, 'prod') });
      const event = request();
      for (let i = 0; i < 2; i++) {
        const res = await call(router, event);
        expect(res.status).toBe(200);
        expect(res.headers['x-fm-cache']).toBe('miss');
      }
    }
    expect(haikuCalls()).toBe(4);
    expect(h.logs.filter((l) => typeof l.CacheErrors === 'number').length).toBe(8);
  });

  it('is off where the environment has no cache table', async () => {
    const router = createHandler(routerDeps(readEnv({ ...process.env, [ROUTER_ENV.cacheTable]: '' })));
    const event = request();
    await call(router, event);
    expect((await call(router, event)).headers['x-fm-cache']).toBeUndefined();
  });
});

describe('the response cache on streams', () => {
  let gateway: { url: string; close: () => Promise<void> };
  beforeEach(async () => {
    gateway = await h.gateway();
  });
  afterEach(() => gateway.close());

  it('replays a cached answer as a stream the openai client reads, with no model call', async () => {
    const client = new OpenAI({
      baseURL: `${gateway.url}/v1`,
      apiKey: 'unused-locally',
      maxRetries: 0,
      defaultHeaders: { 'x-fm-consumer': 'team-a' },
    });
    const ask = async (): Promise<{ text: string; cache: string | null; routing?: RoutingRecord }> => {
      const { data, response } = await client.chat.completions
        .create({
          model: 'classify',
          temperature: 0,
          stream: true,
          messages: [{ role: 'user', content: 'Stream me a label' }],
        })
        .withResponse();
      let text = '';
      let routing: RoutingRecord | undefined;
      for await (const chunk of data) {
        text += chunk.choices[0]?.delta?.content ?? '';
        routing ??= (chunk as unknown as { routing?: RoutingRecord }).routing;
      }
      return { text, cache: response.headers.get('x-fm-cache'), routing };
    };
    const first = await ask();
    expect(first.cache).toBe('miss');
    expect(first.text).toBe(`Simulated answer from ${TARGET.haiku} in us-east-1.`);
    const second = await ask();
    expect(second).toMatchObject({ cache: 'hit', text: first.text });
    expect(second.routing).toMatchObject({ cache: 'hit', attempts: [] });
    expect(haikuCalls()).toBe(1);
    // The whole-response API serves the same answer from the same entry.
    const whole = await client.chat.completions.create({
      model: 'classify',
      temperature: 0,
      messages: [{ role: 'user', content: 'Stream me a label' }],
    });
    expect(whole.choices[0].message.content).toBe(first.text);
    expect(haikuCalls()).toBe(1);
  });
});
