import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import OpenAI, { RateLimitError } from 'openai';
import { CONSUMER_CONTEXT_KEY, LOCAL_CONSUMER_HEADER } from '../../../contracts/consumer';
import { ROUTER_ENV } from '../../../contracts/router-env';
import type { RoutingTable } from '../../../contracts/routing-table';
import { limitWindow, type TableLimit } from '../../../contracts/spend';
import { createHandler, routerDeps } from '../../../functions/router/app';
import { readEnv } from '../../../functions/router/env';
import type { APIGatewayProxyEventLike } from '../../../functions/router/http-types';
import type { RouterDeps } from '../../../functions/router/serve';
import { LedgerStore, SpendLedger } from '../../../functions/router/spend';
import { answerCostUsd } from '../../../functions/router/spend/cost';
import { call, Harness, testTable, type Answer } from './harness';

/**
 * Spend control through the real router: the limits of the routing table's `consumers`, leases on
 * the shared ledger in dynalite, refusals the openai client reads, and the cost of each answer.
 * Every test limits its own consumer, so the shared ledger table carries nothing from one to the next.
 */
const h = new Harness();
let seq = 0;

beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

/** The test table with one consumer's limits, served where the router reads it; the consumer's unique name. */
function limited(limits: readonly Omit<TableLimit, 'id'>[]): { table: RoutingTable; consumer: string } {
  const consumer = `team-${++seq}`;
  const table = testTable();
  table.consumers = {
    [consumer]: {
      limits: limits.map((l) => ({
        id: l.route ? `${l.limit}:route:${l.route}` : l.model ? `${l.limit}:model:${l.model}` : l.limit,
        ...l,
      })),
    },
  };
  h.setTable(table);
  return { table, consumer };
}

function converse(
  route: string,
  consumer: string | undefined,
  text = 'Hello there',
  maxTokens = 50,
): APIGatewayProxyEventLike {
  return {
    httpMethod: 'POST',
    path: `/v1/routes/${route}/converse`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: [{ text }] }], inferenceConfig: { maxTokens } }),
    requestContext: {
      requestId: `req-${++seq}`,
      ...(consumer !== undefined ? { authorizer: { [CONSUMER_CONTEXT_KEY]: consumer } } : {}),
    },
  };
}

async function router(): Promise<{ deps: RouterDeps; send: (e: APIGatewayProxyEventLike) => Promise<Answer> }> {
  const deps = await h.routerDeps();
  const handler = createHandler(deps);
  return { deps, send: (e) => call(handler, e) };
}

async function ledgerUsed(pk: string): Promise<number> {
  const client = h.dynamo.client();
  const out = await client.send(
    new GetItemCommand({ TableName: process.env[ROUTER_ENV.spendTable], Key: { pk: { S: pk } }, ConsistentRead: true }),
  );
  client.destroy();
  return Number(out.Item?.used?.N ?? 0);
}

describe('cost per request', () => {
  it('answers x-fm-cost-usd and routing.costUsd at catalog prices × the usage', async () => {
    const { table } = limited([]);
    const { send } = await router();
    const res = await send(converse('chat', undefined));
    expect(res.status).toBe(200);
    const usage = res.body.usage!;
    const expected = answerCostUsd(table.models[res.body.model!].pricing, usage);
    expect(expected).toBeGreaterThan(0);
    expect(res.body.routing?.costUsd).toBeCloseTo(expected, 12);
    expect(Number(res.headers['x-fm-cost-usd'])).toBeCloseTo(expected, 8);
  });

  it('prices prompt-cache tokens at the catalog cache prices, else as input tokens', () => {
    const pricing = {
      inputPerMillionTokensUsd: 3,
      outputPerMillionTokensUsd: 15,
      cacheReadPerMillionTokensUsd: 0.3,
      cacheWritePerMillionTokensUsd: 3.75,
    };
    const usage = {
      inputTokens: 1_000_000,
      outputTokens: 1_000_000,
      totalTokens: 0,
      cacheReadInputTokens: 1_000_000,
      cacheWriteInputTokens: 1_000_000,
    };
    expect(answerCostUsd(pricing, usage)).toBeCloseTo(3 + 15 + 0.3 + 3.75, 10);
    expect(answerCostUsd({ inputPerMillionTokensUsd: 3, outputPerMillionTokensUsd: 15 }, usage)).toBeCloseTo(24, 10);
  });
});

describe('limits', () => {
  it('refuses a consumer past its tokens per minute with 429, Retry-After, the rate-limit headers and a stable code', async () => {
    const { consumer } = limited([{ limit: 'tokensPerMinute', hard: 200 }]);
    const { send } = await router();
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await send(converse('chat', consumer)));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status === 429);
    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(ok[0].headers['x-ratelimit-limit-tokens']).toBe('200');
    expect(Number(ok[0].headers['x-ratelimit-remaining-tokens'])).toBeLessThan(200);
    const r = refused[0];
    expect(r.body.error).toMatchObject({ code: 'tokens_per_minute_exceeded', type: 'tokens' });
    expect(r.body.error?.message).toContain(`consumer "${consumer}" reached its limit of 200 tokens per minute`);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(r.headers['x-ratelimit-limit-tokens']).toBe('200');
    expect(r.headers['x-ratelimit-reset-tokens']).toMatch(/^(1m0s|\d+s)$/);
  });

  it('leaves other consumers and SigV4 callers alone', async () => {
    const { consumer } = limited([{ limit: 'requestsPerMinute', hard: 1 }]);
    const { send } = await router();
    expect((await send(converse('chat', consumer))).status).toBe(200);
    expect((await send(converse('chat', consumer))).status).toBe(429);
    expect((await send(converse('chat', 'someone-else'))).status).toBe(200);
    expect((await send(converse('chat', undefined))).status).toBe(200);
  });

  it('counts a route limit only on its route, and a model limit only where the route picks that model first', async () => {
    const { consumer } = limited([
      { limit: 'requestsPerMinute', hard: 1, route: 'code' },
      { limit: 'requestsPerMinute', hard: 1, model: 'claude-haiku-4-5' },
    ]);
    const { send } = await router();
    expect((await send(converse('code', consumer))).status).toBe(200);
    const second = await send(converse('code', consumer));
    expect(second.status).toBe(429);
    expect(second.body.error?.message).toContain('on route "code"');
    expect(second.headers['x-ratelimit-limit-requests']).toBe('1');
    // chat and classify both send to claude-haiku-4-5 first: one request between them, then the model limit refuses.
    expect((await send(converse('chat', consumer))).status).toBe(200);
    const third = await send(converse('classify', consumer));
    expect(third.status).toBe(429);
    expect(third.body.error?.message).toContain('on model "claude-haiku-4-5"');
  });

  it('refuses past a monthly budget with budget_exceeded, and charges the ledger only what answered requests cost', async () => {
    // One answer costs about $0.0000x; 0.0004 allows a few (each reserves 50 output tokens at the dearest price).
    const { consumer } = limited([{ limit: 'monthlyBudgetUsd', hard: 0.0004 }]);
    const { deps, send } = await router();
    let spent = 0;
    let refused: Answer | undefined;
    for (let i = 0; i < 40 && refused === undefined; i++) {
      const res = await send(converse('chat', consumer));
      if (res.status === 200) spent += Number(res.body.routing?.costUsd);
      else refused = res;
    }
    expect(refused?.status).toBe(429);
    expect(refused?.body.error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The unused lease goes back: the ledger then holds what the answers cost, and no more.
    await flush(deps);
    const used = await ledgerUsed(`${consumer}#monthlyBudgetUsd#${limitWindow('monthlyBudgetUsd', Date.now()).key}`);
    expect(used).toBeCloseTo(spent, 9);
    expect(used).toBeLessThanOrEqual(0.0004 + 1e-12);
  });

  it('gives a failed request its reservation back: a consumer is not charged for an answer it did not get', async () => {
    const { consumer } = limited([{ limit: 'requestsPerMinute', hard: 2 }]);
    const { send } = await router();
    h.bedrock.set('*', { failRate: 1, errorType: 'ServiceUnavailableException' });
    expect((await send(converse('chat', consumer))).status).toBe(503);
    expect((await send(converse('chat', consumer))).status).toBe(503);
    h.bedrock.reset();
    expect((await send(converse('chat', consumer))).status).toBe(200);
    expect((await send(converse('chat', consumer))).status).toBe(200);
    expect((await send(converse('chat', consumer))).status).toBe(429);
  });

  it('fails open when the ledger cannot be reached: requests are answered, counted against the last known remainder', async () => {
    const { consumer } = limited([{ limit: 'requestsPerMinute', hard: 3 }]);
    const deps = routerDeps(readEnv({ ...process.env, [ROUTER_ENV.spendTable]: 'no-such-ledger' }));
    const handler = createHandler(deps);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(handler, converse('chat', consumer))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(h.logs.some((l) => l.message === 'spend ledger unreachable: counting locally')).toBe(true);
  });
});

describe('alerts and metrics', () => {
  it('alerts once when a window passes its soft threshold, and records the month-to-date spend and the cost per consumer', async () => {
    const { consumer } = limited([
      { limit: 'requestsPerMinute', hard: 8, soft: 2 },
      { limit: 'monthlyBudgetUsd', hard: 10 },
    ]);
    const { send } = await router();
    for (let i = 0; i < 4; i++) expect((await send(converse('chat', consumer))).status).toBe(200);
    const alerts = h.logs.filter((l) => l.message === 'ALERT consumer limit past its soft threshold');
    expect(alerts).toEqual([
      expect.objectContaining({ alert: true, consumer, limit: 'requestsPerMinute', soft: 2, hard: 8 }),
    ]);
    const emf = (name: string) => h.logs.filter((l) => l[name] !== undefined && l.Consumer === consumer);
    expect(emf('LimitSoftReached')).toHaveLength(1);
    expect(Number(emf('ConsumerSpendUsd')[0].ConsumerSpendUsd)).toBeGreaterThan(0);
    const costs = emf('ConsumerCostUsd');
    expect(costs).toHaveLength(4);
    expect(costs[0]).toMatchObject({ Environment: 'prod', Route: 'chat', Model: 'claude-haiku-4-5' });
    expect(
      (costs[0]._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0].Dimensions,
    ).toEqual([
      ['Environment', 'Consumer'],
      ['Environment', 'Consumer', 'Route', 'Model'],
    ]);
  });

  it('gives an idle lease back to the ledger by itself', async () => {
    const store = new LedgerStore(h.dynamo.client(), process.env[ROUTER_ENV.spendTable]!);
    const ledger = new SpendLedger(store, { idleReturnMs: 50 });
    const limit: TableLimit = { id: 'tokensPerMinute', limit: 'tokensPerMinute', hard: 8000 };
    const consumer = `idle-${++seq}`;
    const pk = `${consumer}#tokensPerMinute#${limitWindow('tokensPerMinute', Date.now()).key}`;
    expect((await ledger.reserve(consumer, limit, 100)).refused).toBeUndefined();
    // The lease is an eighth of the window: 1,000 tokens taken for a request of 100.
    expect(await store.used(pk)).toBe(1000);
    ledger.settle(consumer, limit, 100, 60);
    const end = Date.now() + 3000;
    while ((await store.used(pk)) !== 60 && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    expect(await store.used(pk)).toBe(60);
  });
});

describe('the openai client', () => {
  it('reads the 429 of a consumer limit: RateLimitError, its code, Retry-After and the x-ratelimit headers', async () => {
    const { consumer } = limited([{ limit: 'requestsPerMinute', hard: 2 }]);
    const gateway = await h.gateway();
    try {
      const client = new OpenAI({
        baseURL: `${gateway.url}/v1`,
        apiKey: 'unused-locally',
        maxRetries: 0,
        defaultHeaders: { [LOCAL_CONSUMER_HEADER]: consumer },
      });
      const hello = [{ role: 'user' as const, content: 'Hello there' }];
      const { response } = await client.chat.completions.create({ model: 'chat', messages: hello }).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('2');
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('1');
      expect(Number(response.headers.get('x-fm-cost-usd'))).toBeGreaterThan(0);
      await client.chat.completions.create({ model: 'chat', messages: hello });
      const err = await client.chat.completions.create({ model: 'chat', messages: hello }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
      const e = err as RateLimitError;
      expect(e).toMatchObject({ status: 429, code: 'requests_per_minute_exceeded', type: 'requests' });
      expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(e.headers?.get('x-ratelimit-limit-requests')).toBe('2');
      expect(e.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
      expect(e.headers?.get('x-ratelimit-reset-requests')).toMatch(/^(1m0s|\d+s)$/);
      // A streamed answer counts too, with the headers on its first bytes.
      const streamed = await client.chat.completions
        .create({ model: 'chat', messages: hello, stream: true })
        .catch((x: unknown) => x);
      expect(streamed).toBeInstanceOf(RateLimitError);
    } finally {
      await gateway.close();
    }
  });
});

describe('streamed answers', () => {
  it('carry the rate-limit headers on their first bytes, and count against the limit', async () => {
    const { consumer } = limited([{ limit: 'requestsPerMinute', hard: 1 }]);
    const gateway = await h.gateway();
    try {
      const client = new OpenAI({
        baseURL: `${gateway.url}/v1`,
        apiKey: 'unused-locally',
        maxRetries: 0,
        defaultHeaders: { [LOCAL_CONSUMER_HEADER]: consumer },
      });
      const hello = [{ role: 'user' as const, content: 'Hello there' }];
      const { data: stream, response } = await client.chat.completions
        .create({ model: 'chat', messages: hello, stream: true })
        .withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('1');
      expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('0');
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toContain('Simulated answer');
      const err = await client.chat.completions.create({ model: 'chat', messages: hello }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RateLimitError);
    } finally {
      await gateway.close();
    }
  });
});

/** Returns the router's unused leases to the ledger (what an idle instance does after IDLE_RETURN_MS). */
async function flush(deps: RouterDeps): Promise<void> {
  await deps.spend?.flush();
}

describe('the ledger store', () => {
  it('takes a lease only while the window has it, atomically', async () => {
    const store = new LedgerStore(h.dynamo.client(), process.env[ROUTER_ENV.spendTable]!);
    const pk = `store-${++seq}`;
    const results = await Promise.all(Array.from({ length: 20 }, () => store.take(pk, 1, 10, 2_000_000_000)));
    expect(results.filter((r) => r !== undefined)).toHaveLength(10);
    expect(await store.used(pk)).toBe(10);
    expect(await store.add(pk, -3, 2_000_000_000)).toBe(7);
    // A lease larger than the whole window is refused even on a window no one has drawn on.
    expect(await store.take(`${pk}-new`, 11, 10, 2_000_000_000)).toBeUndefined();
    expect(await store.used(`${pk}-new`)).toBe(0);
  });
});
