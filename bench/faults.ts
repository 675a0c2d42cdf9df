// npm run bench:faults — 5,000 requests at concurrency 50 through the real handler while the primary
// model throttles half its calls in every Region and one Region (us-west-2) is down. Checks: no
// request lost (each gets an answer or a typed error), 100% success while a healthy candidate
// exists (nova-micro in us-east-1 always is), and no model call while that model's circuit in that
// Region is open (counted at the simulator). Loopback only; stops by itself.
import { circuitKey } from '../contracts/circuit';
import { API_OPERATIONS, conversePath } from '../contracts/http-api';
import { createHandler, routerDeps } from '../functions/router/app';
import { CircuitBreaker, type Admission } from '../functions/router/circuit';
import { readEnv } from '../functions/router/env';
import { setLogSink } from '../functions/router/log';
import { SimStack } from '../sim/stack';
import { prodTable } from './support/common';

const TOTAL = Number(process.env.BENCH_REQUESTS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

interface Opened {
  readonly pk: string;
  readonly at: number;
  readonly openUntil: number;
}

async function main(): Promise<void> {
  const opened: Opened[] = [];
  setLogSink((line) => {
    if (!line.includes('"circuit opened"')) return;
    const l = JSON.parse(line) as { pk: string; openUntil: number };
    opened.push({ pk: l.pk, at: Date.now(), openUntil: l.openUntil });
  });
  const table = prodTable();
  const route = table.routes.classify;
  route.resilience = {
    ...route.resilience,
    attemptTimeoutMs: 2000,
    latencyBudgetMs: 10_000,
    backoff: { baseMs: 5, maxMs: 40 },
    circuitBreaker: { failureThreshold: 5, windowSeconds: 10, cooldownSeconds: 1 },
  };
  const stack = await SimStack.start(table);
  stack.setModel('claude-3-haiku', { failRate: 0.5, errorType: 'ThrottlingException', delayMs: 1 });
  // us-west-2 is down for every model served there, whichever backend calls it.
  for (const id of Object.keys(table.models))
    if (table.models[id].targets.some((t) => t.region === 'us-west-2'))
      stack.setModel(id, { failRate: 1, errorType: 'ServiceUnavailableException' }, 'us-west-2');
  stack.setModel('nova-micro', { delayMs: 1 }, 'us-east-1');

  // The same breaker, recording when it let a call through (to check admissions against open circuits).
  const admissions: { pk: string; at: number }[] = [];
  const deps = routerDeps(readEnv());
  const breaker = deps.breaker;
  class RecordingBreaker extends CircuitBreaker {
    override async admit(modelId: string, region: string, leaseMs: number): Promise<Admission> {
      const a = await breaker.admit(modelId, region, leaseMs);
      if (a !== 'open') admissions.push({ pk: circuitKey(modelId, region), at: Date.now() });
      return a;
    }
  }
  const recording = new RecordingBreaker(undefined);
  recording.success = breaker.success.bind(breaker);
  recording.failure = breaker.failure.bind(breaker);
  const handler = createHandler({ ...deps, breaker: recording });
  const body = JSON.stringify({
    messages: [{ role: 'user', content: [{ text: 'Is this message spam? "You won a prize"' }] }],
  });
  const statuses = new Map<number, number>();
  const codes = new Map<string, number>();
  const models = new Map<string, number>();
  let answered = 0;
  let untyped = 0;
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < TOTAL) {
      next++;
      const res = await handler({
        httpMethod: API_OPERATIONS.converse.method,
        path: conversePath('classify'),
        headers: { 'content-type': 'application/json' },
        body,
      });
      answered++;
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const parsed = JSON.parse(res.body) as { model?: string; error?: { code?: string } };
      if (res.statusCode === 200 && parsed.model) models.set(parsed.model, (models.get(parsed.model) ?? 0) + 1);
      else if (parsed.error?.code) codes.set(parsed.error.code, (codes.get(parsed.error.code) ?? 0) + 1);
      else untyped++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;

  // Calls that reached the simulator while the circuit of that model and Region was open. The open
  // time is when the router learned of it (after the DynamoDB write); a call already on the wire
  // before then is not a violation.
  const targetOf = new Map<string, string>();
  for (const [id, m] of Object.entries(table.models))
    for (const t of m.targets) targetOf.set(`${t.id}@${t.region}`, id);
  const duringOpen = stack.bedrock.calls.filter((c) => {
    const pk = circuitKey(targetOf.get(`${c.target}@${c.region}`) ?? '?', c.region);
    return opened.some((o) => o.pk === pk && c.at > o.at && c.at < o.openUntil);
  });
  const admittedWhileOpen = admissions.filter((a) =>
    opened.some((o) => o.pk === a.pk && a.at > o.at && a.at < o.openUntil),
  );
  const gaps = duringOpen.map((c) => {
    const pk = circuitKey(targetOf.get(`${c.target}@${c.region}`) ?? '?', c.region);
    const o = opened.find((x) => x.pk === pk && c.at > x.at && c.at < x.openUntil);
    return o ? c.at - o.at : 0;
  });
  const ok = statuses.get(200) ?? 0;
  console.log(
    `faults run: ${TOTAL} requests, concurrency ${CONCURRENCY}, ${seconds.toFixed(1)} s (${(TOTAL / seconds).toFixed(0)} req/s)`,
  );
  console.log(`  answered ${answered}/${TOTAL} (lost ${TOTAL - answered}); untyped errors ${untyped}`);
  console.log(
    `  statuses ${JSON.stringify(Object.fromEntries(statuses))}; error codes ${JSON.stringify(Object.fromEntries(codes))}`,
  );
  console.log(`  served by ${JSON.stringify(Object.fromEntries(models))}`);
  console.log(
    `  simulator calls ${stack.bedrock.calls.length}: ${JSON.stringify(countBy(stack.bedrock.calls.map((c) => `${targetOf.get(`${c.target}@${c.region}`) ?? c.target}@${c.region} ${c.status}`)))}`,
  );
  console.log(`  circuits opened ${opened.length} times: ${JSON.stringify(countBy(opened.map((o) => o.pk)))}`);
  console.log(
    `  calls let through by the router while the circuit was open: ${admittedWhileOpen.length} (of ${admissions.length} admissions)`,
  );
  console.log(
    `  calls arriving at the simulator after the open was known: ${duringOpen.length}${duringOpen.length ? ` (sent before it, arriving ${gaps.join(', ')} ms after; in flight, not admitted while open)` : ''}`,
  );
  const pass = answered === TOTAL && untyped === 0 && ok === TOTAL && admittedWhileOpen.length === 0;
  console.log(pass ? 'PASS: zero lost, 100% success, no call to an open circuit' : 'FAIL');
  await stack.stop();
  process.exit(pass ? 0 : 1);
}

function countBy(xs: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
