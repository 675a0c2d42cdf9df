import { loadProject } from '../catalog';
import { conversePath, resourcePath } from '../contracts/http-api';
import { routerDeps } from '../functions/router/app';
import { createStreamingHandler } from '../functions/router/stream-app';
import { readEnv } from '../functions/router/env';
import { setLogSink } from '../functions/router/log';
import { serveStreamingHandler } from '../sim/gateway';
import type { Behaviour } from '../sim/http-sim';
import { SimStack } from '../sim/stack';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run dev -- [--env NAME] [--port N] [--slow MODEL=MS[@REGION]] [--throttle MODEL=RATE[@REGION]]
                      [--down MODEL[@REGION]] [--fail MODEL=ERROR[@REGION]] [--stall MODEL=MS[@REGION]]
                      [--chunk-delay MODEL=MS[@REGION]] [--break-after MODEL=N[@REGION]] [--aws] [--quiet]

Serves the router on 127.0.0.1 against a built-in simulator of Bedrock Runtime and SageMaker
Runtime (no AWS account needed), with the routing table of one environment from the catalog, a
local AppConfig extension and a local DynamoDB circuit table.
  --env NAME                 environment (default: dev)
  --port N                   port (default: 8080; 0 picks one)
  --slow MODEL=MS[@REGION]   the model answers after MS milliseconds (repeatable)
  --throttle MODEL=RATE[@R]  the model throttles that share of calls, 0..1 (repeatable)
  --down MODEL[@REGION]      the model fails every call with ServiceUnavailableException
  --fail MODEL=ERROR[@R]     the model fails every call with that exception name
  --stall MODEL=MS[@R]       streaming: the model stays silent MS ms before its first token
  --chunk-delay MODEL=MS[@R] streaming: MS ms between the model's chunks
  --break-after MODEL=N[@R]  streaming: the model's stream fails after N chunks
  --aws                      call real Bedrock and SageMaker with your credentials instead
  --quiet                    no request logs
MODEL is a routing-table model id (e.g. nova-lite, claude-3-haiku, mistral-large).`;

const opts = parseOptions(
  {
    env: { type: 'string' },
    port: { type: 'string' },
    slow: { type: 'string', multiple: true },
    throttle: { type: 'string', multiple: true },
    down: { type: 'string', multiple: true },
    fail: { type: 'string', multiple: true },
    stall: { type: 'string', multiple: true },
    'chunk-delay': { type: 'string', multiple: true },
    'break-after': { type: 'string', multiple: true },
    aws: { type: 'boolean' },
    quiet: { type: 'boolean' },
  },
  USAGE,
);

if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

/** MODEL=VALUE@REGION → parts. */
function spec(raw: string, needsValue: boolean): { model: string; value: string; region?: string } {
  const [main, region] = raw.split('@');
  const [model, value = ''] = main.split('=');
  if (!model || (needsValue && value === '')) {
    console.error(`bad model spec "${raw}"\n\n${USAGE}`);
    process.exit(2);
  }
  return { model, value, region };
}

async function main(): Promise<void> {
  const envName = opts.env ?? 'dev';
  const plan = loadProject({ only: [envName], suggestReplacement: replacementSuggester }).plans.find(
    (p) => p.name === envName,
  );
  if (plan === undefined) {
    console.error(`no environment "${envName}"`);
    process.exit(2);
  }
  const stack = await SimStack.start(plan.routingTable, { models: !opts.aws });
  const apply = (raws: string[] | undefined, needsValue: boolean, behaviour: (value: string) => Behaviour): void => {
    for (const raw of raws ?? []) {
      const s = spec(raw, needsValue);
      stack.setModel(s.model, behaviour(s.value), s.region);
    }
  };
  try {
    apply(opts.slow, true, (v) => ({ delayMs: Number(v) }));
    apply(opts.throttle, true, (v) => ({ failRate: Number(v), errorType: 'ThrottlingException' }));
    apply(opts.down, false, () => ({ failRate: 1, errorType: 'ServiceUnavailableException' }));
    apply(opts.fail, true, (v) => ({ failRate: 1, errorType: v }));
    apply(opts.stall, true, (v) => ({ firstTokenDelayMs: Number(v) }));
    apply(opts['chunk-delay'], true, (v) => ({ chunkDelayMs: Number(v) }));
    apply(opts['break-after'], true, (v) => ({ failAfterChunks: Number(v) }));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  setLogSink((line) => {
    if (!opts.quiet && !line.startsWith('{"_aws"')) process.stdout.write(`${line}\n`);
  });
  const { url } = await serveStreamingHandler(createStreamingHandler(routerDeps(readEnv())), Number(opts.port ?? 8080));
  console.log(`router for ${envName} (catalog ${plan.routingTable.catalogVersion}) on ${url} — ${opts.aws ? 'real AWS' : 'simulated Bedrock and SageMaker'}
  routes: ${Object.keys(plan.routingTable.routes).join(', ')}
  try:  curl -s ${url}${resourcePath('listRoutes')}
        curl -s ${url}${resourcePath('chatCompletions')} -H 'content-type: application/json' -d '{"model":"chat","messages":[{"role":"user","content":"Hello"}]}'
        curl -sN ${url}${resourcePath('chatCompletions')} -H 'content-type: application/json' -d '{"model":"chat","stream":true,"messages":[{"role":"user","content":"Hello"}]}'
        curl -s ${url}${conversePath('chat')} -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":[{"text":"Bonjour"}]}],"metadata":{"language":"fr"}}'`);
  const stop = (): void => {
    void stack.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
