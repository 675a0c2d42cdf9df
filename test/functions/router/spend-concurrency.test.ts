import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LOCAL_CONSUMER_HEADER } from '../../../contracts/consumer';
import { ROUTER_ENV } from '../../../contracts/router-env';
import { limitWindow } from '../../../contracts/spend';
import { LEASE_DIVISOR } from '../../../functions/router/spend/ledger';
import { SimStack } from '../../../sim/stack';
import { bundlePath } from '../../support/cli';
import { testTable } from './harness';

/**
 * Spend control across instances, as Lambda runs them: two router processes share one ledger in
 * dynalite; 1,200 requests at concurrency 50, spread over both, against a monthly budget that runs
 * out about halfway. What the answers cost (their x-fm-cost-usd) may exceed the budget by at most
 * the bound the ledger states: the largest lease (1/LEASE_DIVISOR of the budget) per instance.
 */
const INSTANCES = 2;
const REQUESTS = 1200;
const CONCURRENCY = 50;
const BUDGET_USD = 0.06;
const CONSUMER = 'load-team';

interface Instance {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  readonly lines: AsyncIterator<string>;
}

async function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = spawn(process.execPath, [bundlePath('test/support/router-process.ts')], { env });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  const url = /^listening (\S+)$/.exec(String(first.value))?.[1];
  if (url === undefined) throw new Error(`the router process did not start: ${String(first.value)}`);
  return { child, url, lines };
}

let stack: SimStack;
let instances: Instance[] = [];

beforeAll(async () => {
  const table = testTable();
  table.consumers = {
    [CONSUMER]: { limits: [{ id: 'monthlyBudgetUsd', limit: 'monthlyBudgetUsd', hard: BUDGET_USD }] },
  };
  stack = await SimStack.start(table, { pollSeconds: 45 });
  const env = { ...process.env, ...stack.env };
  instances = await Promise.all(Array.from({ length: INSTANCES }, () => startInstance(env)));
});

afterAll(async () => {
  for (const i of instances) if (i.child.exitCode === null) i.child.kill();
  await stack.stop();
});

it('keeps the spend of two router processes within the budget plus the stated bound, and charges no refused request', async () => {
  const costs: number[] = [];
  let refused = 0;
  let refusedWithCost = 0;
  const other: string[] = [];
  let next = 0;
  const body = JSON.stringify({
    messages: [{ role: 'user', content: [{ text: 'Hello there, a short question' }] }],
    inferenceConfig: { maxTokens: 40 },
  });
  const worker = async (): Promise<void> => {
    while (next < REQUESTS) {
      const n = next++;
      const res = await fetch(`${instances[n % INSTANCES].url}/v1/routes/chat/converse`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LOCAL_CONSUMER_HEADER]: CONSUMER },
        body,
      });
      const text = await res.text();
      const cost = res.headers.get('x-fm-cost-usd');
      if (res.status === 200) costs.push(Number(cost));
      else if (
        res.status === 429 &&
        (JSON.parse(text) as { error: { code: string } }).error.code === 'budget_exceeded'
      ) {
        refused++;
        if (cost !== null) refusedWithCost++;
      } else other.push(`${res.status} ${text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  for (const i of instances) {
    i.child.stdin.write('flush\n');
    expect((await i.lines.next()).value).toBe('flushed');
  }

  const spent = costs.reduce((a, b) => a + b, 0);
  const bound = (BUDGET_USD / LEASE_DIVISOR) * INSTANCES;
  const client = stack.dynamo.client();
  const item = await client.send(
    new GetItemCommand({
      TableName: stack.env[ROUTER_ENV.spendTable],
      Key: { pk: { S: `${CONSUMER}#monthlyBudgetUsd#${limitWindow('monthlyBudgetUsd', Date.now()).key}` } },
      ConsistentRead: true,
    }),
  );
  client.destroy();
  const ledger = Number(item.Item?.used?.N);
  process.stdout.write(
    `spend concurrency: ${costs.length} answered, ${refused} refused; settled $${spent.toFixed(6)} of a $${BUDGET_USD} budget (bound $${bound}); ledger $${ledger.toFixed(6)}\n`,
  );

  expect(other).toEqual([]);
  expect(costs.length + refused).toBe(REQUESTS);
  // The budget ran out mid-test: some answered, some refused.
  expect(refused).toBeGreaterThan(0);
  expect(costs.length).toBeGreaterThan(REQUESTS / 10);
  expect(spent).toBeLessThanOrEqual(BUDGET_USD + bound);
  // Refused requests carry no cost, and the ledger, leases returned, holds exactly what the answers cost.
  expect(refusedWithCost).toBe(0);
  expect(ledger).toBeCloseTo(spent, 8);
  // Leases held elsewhere can refuse a request early, but not much of the budget is left unspent.
  expect(spent).toBeGreaterThan(BUDGET_USD * 0.9);
}, 60_000);
