import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CircuitBreaker } from '../../../functions/router/circuit';
import { circuitKey } from '../../../contracts/circuit';
import { ROUTER_ENV } from '../../../contracts/router-env';
import { CircuitStore } from '../../../functions/router/circuit-store';
import { createHandler } from '../../../functions/router/app';
import { Harness, TARGET, call, converse, testTable, userText } from './harness';

const h = new Harness();
let client: DynamoDBClient;
beforeAll(async () => {
  await h.start();
  client = h.dynamo.client();
});
afterAll(async () => {
  client.destroy();
  await h.stop();
});
beforeEach(() => h.reset());

const ask = userText('Is this spam?');
const SETTINGS = { failureThreshold: 3, windowSeconds: 60, cooldownSeconds: 1 };
const waitMs = (ms: number) => new Promise((r) => setTimeout(r, ms));
const metricsNamed = (name: string) => h.logs.filter((l) => name in l && '_aws' in l);

describe('circuit breaker through the handler', () => {
  it('opens after the failure threshold and makes no call to the model in that Region while open', async () => {
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    for (let i = 0; i < 3; i++)
      expect((await call(router, converse('classify', ask))).body.routing?.region).toBe('us-west-2');
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toMatchObject({
      state: 'OPEN',
      failures: 3,
      lastErrorKind: 'model-error',
    });
    expect(metricsNamed('CircuitOpened')).toEqual([
      expect.objectContaining({ CircuitOpened: 1, Model: 'claude-haiku-4-5', region: 'us-east-1', Route: 'classify' }),
    ]);
    h.bedrock.reset();
    const res = await call(router, converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', region: 'us-west-2' });
    expect(res.body.routing?.skipped).toContainEqual({
      model: 'claude-haiku-4-5',
      reason: 'circuit open in us-east-1',
    });
    expect(h.bedrockCalls()).toEqual([`${TARGET.haiku}@us-west-2 200`]);
  });

  it('half-opens after the cooldown, probes once and closes on success', async () => {
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    for (let i = 0; i < 3; i++) await call(router, converse('classify', ask));
    h.bedrock.reset();
    await waitMs(1100);
    const res = await call(router, converse('classify', ask));
    expect(res.body.routing).toMatchObject({ region: 'us-east-1' });
    expect(await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'))).toMatchObject({
      state: 'CLOSED',
      failures: 0,
    });
    expect(metricsNamed('CircuitClosed')).toHaveLength(1);
  });

  it('opens again when the half-open probe fails', async () => {
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    for (let i = 0; i < 3; i++) await call(router, converse('classify', ask));
    await waitMs(1100);
    h.bedrock.reset();
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ThrottlingException' }, 'us-east-1');
    const res = await call(router, converse('classify', ask));
    expect(res.body.routing?.attempts.slice(0, 2).map((a) => `${a.region}:${a.errorKind ?? 'ok'}`)).toEqual([
      'us-east-1:throttled',
      'us-west-2:ok',
    ]);
    const item = await store.read(circuitKey('claude-haiku-4-5', 'us-east-1'));
    expect(item?.state).toBe('OPEN');
    expect(item?.openUntil).toBeGreaterThan(Date.now());
  });

  it('serves requests when the circuit table is unusable (fails open) and logs it', async () => {
    await h.router();
    const { createHandler, routerDeps } = await import('../../../functions/router/app');
    const { readEnv } = await import('../../../functions/router/env');
    const router = createHandler(routerDeps(readEnv({ ...process.env, [ROUTER_ENV.circuitTable]: 'no-such-table' })));
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    const res = await call(router, converse('classify', ask));
    expect(res.status).toBe(200);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'circuit table unreadable; failing open' }),
    );
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'circuit table unwritable; failing open' }),
    );
  });
});

describe('CircuitStore', () => {
  it('gives the half-open probe to exactly one of many concurrent callers', async () => {
    await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    const pk = circuitKey('m', 'r');
    const start = Date.now();
    for (let i = 0; i < 3; i++) await store.recordFailure(pk, 'throttled', SETTINGS, start);
    const probes = await Promise.all(Array.from({ length: 10 }, () => store.tryHalfOpen(pk, 5000, start + 1500)));
    expect(probes.filter((p) => p !== undefined)).toHaveLength(1);
  });

  it('starts a new window when the old one has passed', async () => {
    await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    const pk = circuitKey('m', 'r');
    await store.recordFailure(pk, 'throttled', SETTINGS, 1_000_000);
    await store.recordFailure(pk, 'throttled', SETTINGS, 1_000_000 + 1000);
    const { item, opened } = await store.recordFailure(pk, 'throttled', SETTINGS, 1_000_000 + 61_000);
    expect(opened).toBe(false);
    expect(item).toMatchObject({ state: 'CLOSED', failures: 1, windowStart: 1_061_000 });
  });
});

describe('CircuitBreaker cache', () => {
  it('reads a closed circuit once per cache period however many requests check it', async () => {
    await h.router();
    let reads = 0;
    class CountingStore extends CircuitStore {
      override read(pk: string) {
        reads++;
        return super.read(pk);
      }
    }
    const breaker = new CircuitBreaker(new CountingStore(client, h.lastCircuitTable), { cacheMs: 60_000 });
    const admissions = await Promise.all(Array.from({ length: 20 }, () => breaker.admit('m', 'r', 1000)));
    expect(new Set(admissions)).toEqual(new Set(['closed']));
    expect(await breaker.success('m', 'r', 'closed')).toBeUndefined();
    expect(reads).toBe(1);
  });
});

describe('CircuitBreaker ordering', () => {
  it("writes one key's failure counts one at a time, in order, so an older count never lands after a newer one", async () => {
    const now = Date.now();
    let releaseOld: () => void = () => undefined;
    const started: number[] = [];
    class OrderedStore extends CircuitStore {
      calls = 0;
      override read() {
        return Promise.resolve(undefined);
      }
      override async recordFailure() {
        const call = ++this.calls;
        started.push(call);
        if (call === 1) {
          await new Promise<void>((r) => (releaseOld = r));
          return {
            item: { pk: 'm#r', state: 'CLOSED' as const, failures: 2, windowStart: now, updatedAt: now },
            opened: false,
          };
        }
        return {
          item: {
            pk: 'm#r',
            state: 'OPEN' as const,
            failures: 3,
            windowStart: now,
            openUntil: now + 60_000,
            updatedAt: now,
          },
          opened: true,
        };
      }
    }
    const breaker = new CircuitBreaker(new OrderedStore(client, 'unused'), { cacheMs: 60_000 });
    const older = breaker.failure('m', 'r', 'throttled', SETTINGS);
    const newer = breaker.failure('m', 'r', 'throttled', SETTINGS);
    await waitMs(20);
    expect(started).toEqual([1]);
    releaseOld();
    expect(await older).toBeUndefined();
    expect(await newer).toBe('opened');
    expect(started).toEqual([1, 2]);
    expect(await breaker.admit('m', 'r', 1000)).toBe('open');
  });
});

describe('what opens a circuit', () => {
  const RATE = {
    failureThreshold: 3,
    windowSeconds: 60,
    cooldownSeconds: 30,
    minimumRequests: 10,
    failureRateThreshold: 0.5,
  };
  /** The test table with the rate rule on every route. */
  const rateTable = () => {
    const table = testTable();
    for (const route of Object.values(table.routes)) route.resilience.circuitBreaker = { ...RATE };
    return table;
  };
  /** A deterministic draw for failRate 0.5: fails on the positions of `pattern` that are 1, cycling. */
  const cycle = (pattern: readonly number[]) => {
    let i = 0;
    return () => (pattern[i++ % pattern.length] === 1 ? 0 : 0.99);
  };
  const haikuKey = circuitKey('claude-haiku-4-5', 'us-east-1');

  afterEach(() => h.bedrock.setRandom(Math.random));

  it('does not count a throttle that the retry on the same model and Region absorbed', async () => {
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.setRandom(cycle([1, 0]));
    h.bedrock.set(TARGET.haiku, { failRate: 0.5, errorType: 'ThrottlingException' });
    for (let i = 0; i < 6; i++) {
      const res = await call(router, converse('classify', ask));
      expect(res.body.routing?.attempts.map((a) => `${a.region}:${a.errorKind ?? 'ok'}`)).toEqual([
        'us-east-1:throttled',
        'us-east-1:ok',
      ]);
    }
    expect(await store.read(haikuKey)).toBeUndefined();
  });

  it('counts a throttled series once, when its retries failed too', async () => {
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ThrottlingException' }, 'us-east-1');
    const res = await call(router, converse('classify', ask));
    expect(res.body.routing).toMatchObject({ region: 'us-west-2' });
    expect(await store.read(haikuKey)).toMatchObject({ state: 'CLOSED', failures: 1, lastErrorKind: 'throttled' });
  });

  it('keeps the circuit closed below the failure rate however many failures the window has', async () => {
    h.setTable(rateTable());
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.setRandom(cycle([1, 0, 0, 0]));
    h.bedrock.set(TARGET.haiku, { failRate: 0.5, errorType: 'ModelErrorException' }, 'us-east-1');
    for (let i = 0; i < 40; i++) expect((await call(router, converse('classify', ask))).status).toBe(200);
    expect(await store.read(haikuKey)).toMatchObject({ state: 'CLOSED', failures: 10 });
    const served = h.bedrock.calls.filter((c) => c.target === TARGET.haiku && c.region === 'us-east-1');
    expect(served).toHaveLength(40);
  });

  it('opens at the failure rate only once the window has the minimum number of calls', async () => {
    h.setTable(rateTable());
    const router = await h.router();
    const store = new CircuitStore(client, h.lastCircuitTable);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    for (let i = 0; i < 9; i++) await call(router, converse('classify', ask));
    expect(await store.read(haikuKey)).toMatchObject({ state: 'CLOSED', failures: 9 });
    await call(router, converse('classify', ask));
    expect(await store.read(haikuKey)).toMatchObject({ state: 'OPEN', failures: 10 });
  });

  it("judges the rate over every instance's calls: answered calls elsewhere keep the circuit closed", async () => {
    h.setTable(rateTable());
    const failing = await h.routerDeps();
    const answering = await h.routerDeps({ circuitTable: h.lastCircuitTable });
    const store = new CircuitStore(client, h.lastCircuitTable);
    const a = createHandler(failing);
    const b = createHandler(answering);
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    await call(a, converse('classify', ask));
    h.bedrock.reset();
    for (let i = 0; i < 20; i++)
      expect((await call(b, converse('classify', ask))).body.routing?.region).toBe('us-east-1');
    await answering.breaker.settled();
    expect(await store.read(haikuKey)).toMatchObject({ state: 'CLOSED', failures: 1, successes: 20 });
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ModelErrorException' }, 'us-east-1');
    for (let i = 0; i < 11; i++) await call(a, converse('classify', ask));
    // 12 failures of 32 calls: 37.5%, under the route's 50%.
    expect(await store.read(haikuKey)).toMatchObject({ state: 'CLOSED', failures: 12, successes: 20 });
  });
});
