// npm run bench:spend — what spend control adds to a request on the common path (a lease held), in
// one run against the loopback simulators and dynalite: the same router with and without the
// ledger, the consumer's three limits (a monthly budget, tokens and requests per minute), requests
// alternating between the two so drift hits both alike; then the admission and settlement alone.
import { CONSUMER_CONTEXT_KEY } from '../contracts/consumer';
import { ROUTER_ENV } from '../contracts/router-env';
import type { RoutingTable } from '../contracts/routing-table';
import { createHandler, routerDeps } from '../functions/router/app';
import { readEnv } from '../functions/router/env';
import type { APIGatewayProxyEventLike } from '../functions/router/http-types';
import { setLogSink } from '../functions/router/log';
import { converseRequest } from '../functions/router/request';
import { LedgerStore, SpendControl, SpendLedger } from '../functions/router/spend';
import { SimStack } from '../sim/stack';
import { fmt, percentile, prodTable, sortNumbers } from './support/common';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 2000);
const CONSUMER = 'bench-team';

function limitedTable(): RoutingTable {
  const table = structuredClone(prodTable());
  table.consumers = {
    [CONSUMER]: {
      limits: [
        { id: 'monthlyBudgetUsd', limit: 'monthlyBudgetUsd', hard: 1_000_000 },
        { id: 'tokensPerMinute', limit: 'tokensPerMinute', hard: 1_000_000_000 },
        { id: 'requestsPerMinute', limit: 'requestsPerMinute', hard: 10_000_000 },
      ],
    },
  };
  return table;
}

const body = {
  messages: [{ role: 'user', content: [{ text: 'Classify this: the parcel arrived broken.' }] }],
  inferenceConfig: { maxTokens: 20 },
};

function event(): APIGatewayProxyEventLike {
  return {
    httpMethod: 'POST',
    path: '/v1/routes/classify/converse',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    requestContext: { requestId: 'bench', authorizer: { [CONSUMER_CONTEXT_KEY]: CONSUMER } },
  };
}

async function main(): Promise<void> {
  setLogSink(() => undefined, 'error');
  const table = limitedTable();
  const stack = await SimStack.start(table, { pollSeconds: 0 });
  const withLimits = createHandler(routerDeps(readEnv()));
  const today = createHandler(routerDeps(readEnv({ ...process.env, [ROUTER_ENV.spendTable]: '' })));
  const timed = async (handler: typeof today): Promise<number> => {
    const t = performance.now();
    const res = await handler(event());
    const ms = performance.now() - t;
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    return ms;
  };
  for (let i = 0; i < 200; i++) {
    await timed(today);
    await timed(withLimits);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    if (i % 2 === 0) {
      a.push(await timed(today));
      b.push(await timed(withLimits));
    } else {
      b.push(await timed(withLimits));
      a.push(await timed(today));
    }
  }
  const sa = sortNumbers(a);
  const sb = sortNumbers(b);
  console.log(`whole request through the router, ${PAIRS} alternating pairs (classify, simulated Bedrock, dynalite)`);
  console.log(`  today's router       p50 ${fmt(percentile(sa, 50))}  p90 ${fmt(percentile(sa, 90))}`);
  console.log(`  with three limits    p50 ${fmt(percentile(sb, 50))}  p90 ${fmt(percentile(sb, 90))}`);
  console.log(`  added p50            ${((percentile(sb, 50) - percentile(sa, 50)) * 1000).toFixed(1)} µs`);

  // The admission (three reservations from held leases) and the settlement alone, in-process.
  const control = new SpendControl(
    new SpendLedger(new LedgerStore(stack.dynamo.client(), stack.env[ROUTER_ENV.spendTable])),
  );
  const request = converseRequest(body);
  const answer = {
    content: [{ text: 'damaged-goods' }],
    stopReason: 'end_turn',
    usage: { inputTokens: 12, outputTokens: 4, totalTokens: 16 },
  };
  await control.admit(table, CONSUMER, 'classify', request);
  const checks: number[] = [];
  for (let i = 0; i < PAIRS * 5; i++) {
    const t = performance.now();
    const admission = await control.admit(table, CONSUMER, 'classify', request);
    control.settle(admission, answer, 0.000004);
    checks.push(performance.now() - t);
  }
  const sc = sortNumbers(checks);
  console.log(`limit check alone (admit + settle, lease held), ${checks.length} requests`);
  console.log(
    `  p50 ${(percentile(sc, 50) * 1000).toFixed(1)} µs  p99 ${(percentile(sc, 99) * 1000).toFixed(1)} µs  (target < 100 µs)`,
  );
  await control.flush();
  await stack.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
