import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BlackHole } from '../../../sim/black-hole';
import { CIRCUIT_CACHE_MS, createHandler } from '../../../functions/router/app';
import { CircuitBreaker } from '../../../functions/router/circuit';
import { CircuitStore } from '../../../functions/router/circuit-store';
import { Harness, TARGET, call, converse, testTable, userText } from './harness';

const h = new Harness();
const hole = new BlackHole();
let holeUrl: string;
let client: DynamoDBClient;
beforeAll(async () => {
  await h.start();
  holeUrl = await hole.listen();
  // As the router's own circuit-table client (functions/router/clients.ts): two attempts, 1 s timeouts.
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: holeUrl,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 2,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1000, requestTimeout: 1000, throwOnRequestTimeout: true }),
  });
});
afterAll(async () => {
  client.destroy();
  await hole.close();
  await h.stop();
});
beforeEach(() => {
  h.reset();
  hole.requests = 0;
});

const ask = userText('Is this spam?');

/** The real router with its circuit table behind the black hole. */
async function blackHoledRouter() {
  const deps = await h.routerDeps();
  const breaker = new CircuitBreaker(new CircuitStore(client, 'circuits'), { cacheMs: CIRCUIT_CACHE_MS });
  return { handler: createHandler({ ...deps, breaker }), breaker };
}

describe('a circuit table that accepts connections and never answers', () => {
  it('still answers from the fallback within the route budget when the primary fails everywhere', async () => {
    const table = testTable();
    table.routes.classify.resilience.latencyBudgetMs = 1500;
    h.setTable(table);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' });
    const { handler } = await blackHoledRouter();
    const started = Date.now();
    const res = await call(handler, converse('classify', ask));
    const elapsed = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.body.routing?.model).toBe('nova-micro');
    // The budget is a contract of the route, not a benchmark: the answer came inside it.
    expect(elapsed).toBeLessThan(1500);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'circuit table unreadable; failing open' }),
    );
  });

  it('answers a second request without waiting for the table again (the failed read is trusted for a cache period)', async () => {
    const { handler } = await blackHoledRouter();
    expect((await call(handler, converse('classify', ask))).status).toBe(200);
    const readsAfterFirst = hole.requests;
    expect((await call(handler, converse('classify', ask))).status).toBe(200);
    expect(hole.requests).toBe(readsAfterFirst);
  });

  it('trusts a failed read for a cache period from when it ended, not from when it started', async () => {
    const breaker = new CircuitBreaker(new CircuitStore(client, 'circuits'), { cacheMs: 1000, callTimeoutMs: 300 });
    const started = Date.now();
    expect(await breaker.admit('m', 'r', 1000)).toBe('closed');
    expect(Date.now() - started).toBeLessThan(900);
    const reads = hole.requests;
    await new Promise((r) => setTimeout(r, 1150 - (Date.now() - started)));
    // 1.15 s after the read started (past a period from its start), 0.85 s after it ended.
    expect(await breaker.admit('m', 'r', 1000)).toBe('closed');
    expect(hole.requests).toBe(reads);
  });

  it('asks an unreachable table again in the background: after the first failed read, no request waits for it', async () => {
    const breaker = new CircuitBreaker(new CircuitStore(client, 'circuits'), { cacheMs: 300, callTimeoutMs: 200 });
    expect(await breaker.admit('m', 'r', 1000)).toBe('closed');
    const reads = hole.requests;
    await new Promise((r) => setTimeout(r, 400));
    const started = Date.now();
    expect(await breaker.admit('m', 'r', 1000)).toBe('closed');
    expect(await breaker.admit('m', 'r', 1000)).toBe('closed');
    // Answered from what is known (the table is unreachable) while the new read waits on the black hole.
    expect(Date.now() - started).toBeLessThan(100);
    await new Promise((r) => setTimeout(r, 50));
    expect(hole.requests).toBe(reads + 1);
  });

  it('keeps the failure counts off the request path: the answer does not wait for the write', async () => {
    // Reads answer (nothing stored); writes go to the black hole.
    class WritesBlackHoled extends CircuitStore {
      override read() {
        return Promise.resolve(undefined);
      }
    }
    const deps = await h.routerDeps();
    const breaker = new CircuitBreaker(new WritesBlackHoled(client, 'circuits'), { cacheMs: CIRCUIT_CACHE_MS });
    const handler = createHandler({ ...deps, breaker });
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    let settledFirst = false;
    const res = await call(handler, converse('classify', ask));
    const writes = breaker.settled().then(() => (settledFirst = true));
    await Promise.race([writes, new Promise((r) => setTimeout(r, 50))]);
    expect(res.status).toBe(200);
    expect(res.body.routing?.region).toBe('us-west-2');
    // The failure write to the black hole was still under way 50 ms after the answer came.
    expect(settledFirst).toBe(false);
    await writes;
    expect(settledFirst).toBe(true);
  });

  it('keeps the latency budget when every candidate hangs: 504 inside the budget', async () => {
    const table = testTable();
    table.routes.classify.resilience = { ...table.routes.classify.resilience, latencyBudgetMs: 1000 };
    h.setTable(table);
    h.bedrock.set('*', { delayMs: 5000 });
    const { handler } = await blackHoledRouter();
    const started = Date.now();
    const res = await call(handler, converse('classify', ask));
    const elapsed = Date.now() - started;
    expect(res.status).toBe(504);
    expect(res.body.error?.code).toBe('latency_budget_exceeded');
    expect(elapsed).toBeLessThan(1000 + 100);
  });
});
