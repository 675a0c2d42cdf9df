// npm run bench:cache — the response cache, in one run against the loopback simulators and dynalite:
// the latency of a hit (a DynamoDB GetItem) against a miss (the model call through the Bedrock
// simulator, with BENCH_MODEL_MS of simulated model time, plus the lookup and the write), measured
// alternately; then the hit ratio over a replayed workload whose prompts repeat (Zipf-like).
import { createHandler, routerDeps } from '../functions/router/app';
import { readEnv } from '../functions/router/env';
import type { APIGatewayProxyEventLike } from '../functions/router/http-types';
import { setLogSink } from '../functions/router/log';
import { SimStack } from '../sim/stack';
import { fmt, percentile, prodTable, sortNumbers } from './support/common';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 200);
const WORKLOAD = Number(process.env.BENCH_WORKLOAD ?? 1000);
const DISTINCT = Number(process.env.BENCH_DISTINCT ?? 200);
const MODEL_MS = Number(process.env.BENCH_MODEL_MS ?? 0);
const HAIKU = 'us.anthropic.claude-3-haiku-20240307-v1:0';

function event(text: string): APIGatewayProxyEventLike {
  return {
    httpMethod: 'POST',
    path: '/v1/routes/classify/converse',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      messages: [{ role: 'user', content: [{ text }] }],
      inferenceConfig: { temperature: 0, maxTokens: 20 },
    }),
    requestContext: { requestId: 'bench', authorizer: { consumer: 'team-a' } },
  };
}

async function main(): Promise<void> {
  setLogSink(() => undefined, 'error');
  const stack = await SimStack.start(prodTable(), { pollSeconds: 0 });
  if (MODEL_MS > 0) stack.bedrock.set(HAIKU, { delayMs: MODEL_MS });
  const handler = createHandler(routerDeps(readEnv()));
  const timed = async (text: string): Promise<{ ms: number; cache: string }> => {
    const t = performance.now();
    const res = await handler(event(text));
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}: ${res.body}`);
    return { ms: performance.now() - t, cache: res.headers?.['x-fm-cache'] ?? '' };
  };
  // Warm-up: connections, the routing table, the JIT.
  for (let i = 0; i < 30; i++) await timed(`warm ${i % 5}`);

  const hits: number[] = [];
  const misses: number[] = [];
  await timed('the repeated prompt');
  for (let i = 0; i < PAIRS; i++) {
    const miss = await timed(`a new prompt ${i}`);
    const hit = await timed('the repeated prompt');
    if (miss.cache !== 'miss' || hit.cache !== 'hit')
      throw new Error(`expected miss then hit, got ${miss.cache}, ${hit.cache}`);
    misses.push(miss.ms);
    hits.push(hit.ms);
  }
  const callsBefore = stack.bedrock.calls.length;
  const h = sortNumbers(hits);
  const m = sortNumbers(misses);
  console.log(`latency, ${PAIRS} alternating pairs, simulated model time ${MODEL_MS} ms`);
  console.log(`  miss  p50 ${fmt(percentile(m, 50))}  p90 ${fmt(percentile(m, 90))}  p99 ${fmt(percentile(m, 99))}`);
  console.log(`  hit   p50 ${fmt(percentile(h, 50))}  p90 ${fmt(percentile(h, 90))}  p99 ${fmt(percentile(h, 99))}`);
  console.log(`  hit / miss p50: ${(percentile(h, 50) / percentile(m, 50)).toFixed(2)}`);

  // Replayed workload: prompt k drawn with probability proportional to 1/(k+1).
  let seed = 42;
  const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const weights = Array.from({ length: DISTINCT }, (_, k) => 1 / (k + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = (): number => {
    let r = random() * total;
    for (let k = 0; k < DISTINCT; k++) if ((r -= weights[k]) <= 0) return k;
    return DISTINCT - 1;
  };
  let hitCount = 0;
  const distinctSeen = new Set<number>();
  const modelCallsBefore = stack.bedrock.calls.length;
  for (let i = 0; i < WORKLOAD; i++) {
    const k = draw();
    distinctSeen.add(k);
    if ((await timed(`workload prompt ${k}`)).cache === 'hit') hitCount++;
  }
  const modelCalls = stack.bedrock.calls.length - modelCallsBefore;
  console.log(
    `workload: ${WORKLOAD} requests over ${DISTINCT} prompts (Zipf s=1), ${distinctSeen.size} distinct drawn`,
  );
  console.log(
    `  hit ratio ${((100 * hitCount) / WORKLOAD).toFixed(1)}% (best possible ${((100 * (WORKLOAD - distinctSeen.size)) / WORKLOAD).toFixed(1)}%), model calls ${modelCalls}`,
  );
  if (callsBefore - modelCallsBefore !== 0 || modelCalls !== WORKLOAD - hitCount)
    throw new Error('a hit called the model');
  await stack.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
