// npm run bench:faults — the router under faults, through the real handler, three scenarios in one
// run (each against its own healthy baseline where it has one):
//  1. storm: 5,000 requests at concurrency 50 while the primary model throttles half its calls in
//     every Region and one Region (us-west-2) is down. Checks: no request lost (each gets an answer
//     or a typed error), 100% success while a healthy candidate exists (nova-micro in us-east-1
//     always is), no model call let through while that model's circuit in that Region is open; it
//     reports the share of requests the primary answered.
//  2. light throttling: 2% of the primary's calls throttle, with the route's own declared breaker
//     settings (the catalog's). Target: the primary answers ≥ 97% (a throttle its retry absorbed
//     must not open a circuit).
//  3. black-holed circuit table: the DynamoDB endpoint accepts connections and never answers.
//     Targets: the p50 a healthy route adds over the same run with a working table < 50 ms; no 504
//     while a healthy candidate exists (the primary failing everywhere, the fallback healthy).
// Loopback only; bounded in count and time; stops by itself.
import { circuitKey } from '../contracts/circuit';
import { API_OPERATIONS, conversePath } from '../contracts/http-api';
import { ROUTER_ENV } from '../contracts/router-env';
import type { RoutingTable } from '../contracts/routing-table';
import { CIRCUIT_CACHE_MS, createHandler, routerDeps, type Handler } from '../functions/router/app';
import { CircuitBreaker, type Admission } from '../functions/router/circuit';
import { CircuitStore } from '../functions/router/circuit-store';
import { circuitTableClient } from '../functions/router/clients';
import { readEnv } from '../functions/router/env';
import { setLogSink } from '../functions/router/log';
import type { CircuitItem } from '../contracts/circuit';
import type { RouterDeps } from '../functions/router/serve';
import { BlackHole } from '../sim/black-hole';
import { SimStack } from '../sim/stack';
import { percentile, prodTable, sortNumbers } from './support/common';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
/** Requests of each black-hole run (baseline, black-holed, failing primary). */
const HOLE_TOTAL = Number(process.env.BENCH_HOLE_REQUESTS ?? 2000);
const PRIMARY = 'claude-3-haiku';

interface Opened {
  readonly pk: string;
  readonly at: number;
  readonly openUntil: number;
}
const opened: Opened[] = [];
/** Circuit-table calls that failed or timed out (the breaker failed open), by log message. */
const tableErrors = new Map<string, number>();

interface Outcome {
  readonly answered: number;
  readonly untyped: number;
  readonly statuses: Map<number, number>;
  readonly codes: Map<string, number>;
  readonly models: Map<string, number>;
  /** Sorted end-to-end latencies in ms. */
  readonly latencies: number[];
  readonly seconds: number;
}

const body = JSON.stringify({
  messages: [{ role: 'user', content: [{ text: 'Is this message spam? "You won a prize"' }] }],
});

/** Sends `total` classify requests at `concurrency` through the handler. */
async function load(handler: Handler, total: number, concurrency: number): Promise<Outcome> {
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  const models = new Map<string, number>();
  const latencies: number[] = [];
  let answered = 0;
  let untyped = 0;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < total) {
      next++;
      const t = performance.now();
      const res = await handler({
        httpMethod: API_OPERATIONS.converse.method,
        path: conversePath('classify'),
        headers: { 'content-type': 'application/json' },
        body,
      });
      latencies.push(performance.now() - t);
      answered++;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const parsed = JSON.parse(res.body) as { model?: string; error?: { code?: string } };
      if (res.statusCode === 200 && parsed.model) models.set(parsed.model, (models.get(parsed.model) ?? 0) + 1);
      else if (parsed.error?.code) codes.set(parsed.error.code, (codes.get(parsed.error.code) ?? 0) + 1);
      else untyped++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    answered,
    untyped,
    statuses,
    codes,
    models,
    latencies: sortNumbers(latencies),
    seconds: (performance.now() - started) / 1000,
  };
}

let tables = 0;
/** A cold-started router on its own new circuit table, reading `table` from the local AppConfig extension. */
async function freshDeps(stack: SimStack, table: RoutingTable): Promise<RouterDeps> {
  const name = `bench-circuits-${++tables}`;
  await stack.dynamo.createCircuitTable(name);
  stack.setTable(table);
  return routerDeps(readEnv({ ...process.env, [ROUTER_ENV.circuitTable]: name }));
}

const json = (m: Map<string | number, number>): string => JSON.stringify(Object.fromEntries(m));
const share = (o: Outcome, model: string): number => (o.models.get(model) ?? 0) / Math.max(1, o.answered);
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const ms = (x: number): string => `${x.toFixed(1)} ms`;

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** 1. The storm: half the primary's calls throttle, us-west-2 down. */
async function storm(stack: SimStack): Promise<boolean> {
  const table = prodTable();
  const route = table.routes.classify;
  route.resilience = {
    ...route.resilience,
    attemptTimeoutMs: 2000,
    latencyBudgetMs: 10_000,
    backoff: { baseMs: 5, maxMs: 40 },
    // The catalog's rate rule (every route declares one), with a short window and cooldown for the run.
    circuitBreaker: {
      failureThreshold: 5,
      windowSeconds: 10,
      cooldownSeconds: 1,
      minimumRequests: 20,
      failureRateThreshold: 0.5,
    },
  };
  stack.bedrock.reset();
  stack.setModel(PRIMARY, { failRate: 0.5, errorType: 'ThrottlingException', delayMs: 1 });
  // us-west-2 is down for every model served there, whichever backend calls it.
  for (const id of Object.keys(table.models))
    if (table.models[id].targets.some((t) => t.region === 'us-west-2'))
      stack.setModel(id, { failRate: 1, errorType: 'ServiceUnavailableException' }, 'us-west-2');
  stack.setModel('nova-micro', { delayMs: 1 }, 'us-east-1');
  opened.length = 0;
  tableErrors.clear();

  // The same breaker, recording when it let a call through (to check admissions against open circuits).
  const admissions: { pk: string; at: number }[] = [];
  const deps = await freshDeps(stack, table);
  const breaker = deps.breaker;
  class RecordingBreaker extends CircuitBreaker {
    override async admission(
      modelId: string,
      region: string,
      leaseMs: number,
      budgetMs?: number,
    ): Promise<{ admission: Admission; item?: CircuitItem }> {
      const a = await breaker.admission(modelId, region, leaseMs, budgetMs);
      if (a.admission !== 'open') admissions.push({ pk: circuitKey(modelId, region), at: Date.now() });
      return a;
    }
  }
  const recording = new RecordingBreaker(undefined);
  recording.success = breaker.success.bind(breaker);
  recording.failure = breaker.failure.bind(breaker);
  recording.settled = breaker.settled.bind(breaker);
  const o = await load(createHandler({ ...deps, breaker: recording }), TOTAL, CONCURRENCY);
  await breaker.settled();

  // Calls that reached the simulator while the circuit of that model and Region was open. The open
  // time is when the router learned of it (after the DynamoDB write); a call already on the wire
  // before then is not a violation.
  const targetOf = new Map<string, string>();
  for (const [id, m] of Object.entries(table.models))
    for (const t of m.targets) targetOf.set(`${t.id}@${t.region}`, id);
  const pkOf = (c: { target: string; region: string }) =>
    circuitKey(targetOf.get(`${c.target}@${c.region}`) ?? '?', c.region);
  const duringOpen = stack.bedrock.calls.filter((c) =>
    opened.some((x) => x.pk === pkOf(c) && c.at > x.at && c.at < x.openUntil),
  );
  const admittedWhileOpen = admissions.filter((a) =>
    opened.some((x) => x.pk === a.pk && a.at > x.at && a.at < x.openUntil),
  );
  const gaps = duringOpen.map((c) => {
    const x = opened.find((y) => y.pk === pkOf(c) && c.at > y.at && c.at < y.openUntil);
    return x ? c.at - x.at : 0;
  });
  const ok = o.statuses.get(200) ?? 0;
  console.log(
    `1. storm (primary throttles 50% everywhere, us-west-2 down): ${TOTAL} requests, concurrency ${CONCURRENCY}, ${o.seconds.toFixed(1)} s (${(TOTAL / o.seconds).toFixed(0)} req/s)`,
  );
  console.log(`  answered ${o.answered}/${TOTAL} (lost ${TOTAL - o.answered}); untyped errors ${o.untyped}`);
  console.log(`  statuses ${json(o.statuses)}; error codes ${json(o.codes)}`);
  console.log(`  served by ${json(o.models)}; the primary answered ${pct(share(o, PRIMARY))}`);
  console.log(
    `  simulator calls ${stack.bedrock.calls.length}: ${JSON.stringify(countBy(stack.bedrock.calls.map((c) => `${targetOf.get(`${c.target}@${c.region}`) ?? c.target}@${c.region} ${c.status}`)))}`,
  );
  console.log(`  circuits opened ${opened.length} times: ${JSON.stringify(countBy(opened.map((x) => x.pk)))}`);
  console.log(`  circuit-table calls that failed (the breaker failed open): ${json(tableErrors)}`);
  console.log(
    `  calls let through by the router while the circuit was open: ${admittedWhileOpen.length} (of ${admissions.length} admissions)`,
  );
  console.log(
    `  calls arriving at the simulator after the open was known: ${duringOpen.length}${duringOpen.length ? ` (sent before it, arriving ${gaps.slice(0, 20).join(', ')} ms after; in flight, not admitted while open)` : ''}`,
  );
  const pass = o.answered === TOTAL && o.untyped === 0 && ok === TOTAL && admittedWhileOpen.length === 0;
  console.log(`  ${pass ? 'PASS: zero lost, 100% success, no call to an open circuit' : 'FAIL'}`);
  return pass;
}

/** 2. Light throttling, with the route's own declared breaker. */
async function lightThrottling(stack: SimStack): Promise<boolean> {
  const table = prodTable();
  stack.bedrock.reset();
  stack.setModel(PRIMARY, { failRate: 0.02, errorType: 'ThrottlingException', delayMs: 1 });
  stack.setModel('nova-micro', { delayMs: 1 });
  opened.length = 0;
  const deps = await freshDeps(stack, table);
  const o = await load(createHandler(deps), TOTAL, CONCURRENCY);
  await deps.breaker.settled();
  const throttled = stack.bedrock.calls.filter((c) => c.status === 429).length;
  const primary = share(o, PRIMARY);
  console.log(
    `2. light throttling (2% of the primary's calls, breaker ${JSON.stringify(table.routes.classify.resilience.circuitBreaker)}): ${TOTAL} requests, concurrency ${CONCURRENCY}, ${o.seconds.toFixed(1)} s`,
  );
  console.log(`  statuses ${json(o.statuses)}; served by ${json(o.models)}`);
  console.log(`  throttled calls ${throttled}; circuits opened ${opened.length} times`);
  const pass = primary >= 0.97 && (o.statuses.get(200) ?? 0) === TOTAL;
  console.log(`  the primary answered ${pct(primary)} (target ≥ 97%): ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}

/** 3. A circuit table that accepts connections and never answers. */
async function blackHoledTable(stack: SimStack): Promise<boolean> {
  const table = prodTable();
  const hole = new BlackHole();
  await hole.listen();
  const blackHoled = (deps: RouterDeps): Handler =>
    createHandler({
      ...deps,
      // The router's own circuit-table client and breaker settings, pointed at the black hole.
      breaker: new CircuitBreaker(new CircuitStore(circuitTableClient(table.region, hole.url), 'circuits'), {
        cacheMs: CIRCUIT_CACHE_MS,
      }),
    });
  stack.bedrock.reset();
  stack.setModel(PRIMARY, { delayMs: 20 });
  stack.setModel('nova-micro', { delayMs: 20 });
  const baseline = await load(createHandler(await freshDeps(stack, table)), HOLE_TOTAL, CONCURRENCY);
  const holed = await load(blackHoled(await freshDeps(stack, table)), HOLE_TOTAL, CONCURRENCY);
  stack.setModel(PRIMARY, { failRate: 1, errorType: 'ServiceUnavailableException', delayMs: 20 });
  const failing = await load(blackHoled(await freshDeps(stack, table)), HOLE_TOTAL, CONCURRENCY);
  await hole.close();
  const p = (o: Outcome, q: number) => percentile(o.latencies, q);
  const added = p(holed, 50) - p(baseline, 50);
  const budget = table.routes.classify.resilience.latencyBudgetMs;
  const timeouts = failing.statuses.get(504) ?? 0;
  console.log(
    `3. black-holed circuit table (accepts, never answers): ${HOLE_TOTAL} requests per run, concurrency ${CONCURRENCY}`,
  );
  console.log(
    `  healthy route, working table:  p50 ${ms(p(baseline, 50))}, p99 ${ms(p(baseline, 99))}; statuses ${json(baseline.statuses)}`,
  );
  console.log(
    `  healthy route, black-holed:    p50 ${ms(p(holed, 50))}, p99 ${ms(p(holed, 99))}; statuses ${json(holed.statuses)}`,
  );
  console.log(
    `  primary failing, black-holed:  p50 ${ms(p(failing, 50))}, p99 ${ms(p(failing, 99))} (budget ${budget} ms); statuses ${json(failing.statuses)}; served by ${json(failing.models)}`,
  );
  const pass =
    added < 50 &&
    timeouts === 0 &&
    (holed.statuses.get(200) ?? 0) === HOLE_TOTAL &&
    (failing.statuses.get(200) ?? 0) === HOLE_TOTAL;
  console.log(
    `  added p50 ${ms(added)} (target < 50 ms), 504s while a healthy candidate exists: ${timeouts} (target 0): ${pass ? 'PASS' : 'FAIL'}`,
  );
  return pass;
}

async function main(): Promise<void> {
  setLogSink((line) => {
    const m = /"message":"(circuit table [^"]*)"/.exec(line);
    if (m) {
      const key = line.includes('already queued') ? `${m[1]} (write queue of the key full: dropped)` : m[1];
      tableErrors.set(key, (tableErrors.get(key) ?? 0) + 1);
    }
    if (!line.includes('"circuit opened"')) return;
    const l = JSON.parse(line) as { pk: string; openUntil: number };
    opened.push({ pk: l.pk, at: Date.now(), openUntil: l.openUntil });
  });
  const stack = await SimStack.start(prodTable());
  const results = [await storm(stack), await lightThrottling(stack), await blackHoledTable(stack)];
  await stack.stop();
  const pass = results.every(Boolean);
  console.log(pass ? 'PASS: every scenario met its target' : 'FAIL: a scenario missed its target (above)');
  process.exit(pass ? 0 : 1);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
