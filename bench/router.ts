// npm run bench:router — the router's added latency per request over calling the (simulated)
// Bedrock Runtime directly with the SDK, side by side with Portkey's open-source gateway configured
// with the same fallback chain against the same simulator; then the Lambda bundle's size and
// cold-start init time. Loopback only; stops by itself.
import { BedrockRuntimeClient, ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { API_OPERATIONS, conversePath, resourcePath } from '../contracts/http-api';
import { createHandler, routerDeps } from '../functions/router/app';
import { readEnv } from '../functions/router/env';
import { setLogSink } from '../functions/router/log';
import { createStreamingHandler } from '../functions/router/stream-app';
import { build } from 'esbuild';
import { routerBundle } from '../modules/router/bundle';
import { SimStack } from '../sim/stack';
import { fmt, httpJson, percentile, prodTable, sortNumbers, waitForHttp } from './support/common';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 300);
const PRIMARY = 'us.amazon.nova-lite-v1:0';
const FALLBACK = 'us.amazon.nova-micro-v1:0';

function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

function startChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready?: RegExp,
): Promise<{ child: ChildProcess; match?: RegExpExecArray }> {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  if (!ready) return Promise.resolve({ child });
  return new Promise((res, rej) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) res({ child, match: m });
    });
    child.on('exit', (code) => rej(new Error(`${args.join(' ')} exited ${String(code)}: ${err}`)));
  });
}

async function main(): Promise<void> {
  setLogSink(() => undefined);
  const table = prodTable();
  table.routes.bench = {
    ...table.routes.chat,
    description: 'benchmark',
    strategy: 'static',
    target: 'nova-lite',
    rules: [],
    fallbacks: ['nova-micro'],
    requirements: {},
  };
  const stack = await SimStack.start(table);
  const simUrl = stack.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;

  // The router, served over loopback HTTP by a child process (as Portkey is).
  await build({
    entryPoints: ['bench/support/router-server.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    outfile: 'dist/bench/router-server.js',
    logLevel: 'warning',
  });
  const routerProc = await startChild(
    process.execPath,
    ['dist/bench/router-server.js'],
    { ...process.env, ...stack.env },
    /READY (\S+)/,
  );
  const routerUrl = routerProc.match?.[1] ?? '';

  // Portkey's gateway; its CLI binds every interface, so a preload pins listen() to 127.0.0.1.
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const preload = join(dir, 'loopback.cjs');
  writeFileSync(
    preload,
    `const net=require('net');const o=net.Server.prototype.listen;net.Server.prototype.listen=function(...a){if(typeof a[0]==='number'||(typeof a[0]==='string'&&/^\\d+$/.test(a[0]))){if(typeof a[1]==='string')a[1]='127.0.0.1';else a.splice(1,0,'127.0.0.1');}else if(a[0]&&typeof a[0]==='object'&&!a[0].path){a[0]={...a[0],host:'127.0.0.1'};}return o.apply(this,a);};`,
  );
  const portkeyPort = await freePort();
  const portkey = await startChild(
    process.execPath,
    [
      '--require',
      preload,
      resolve('node_modules/@portkey-ai/gateway/build/start-server.js'),
      `--port=${portkeyPort}`,
      '--headless',
    ],
    { ...process.env, NODE_ENV: 'production' },
  );
  const portkeyUrl = `http://127.0.0.1:${portkeyPort}`;
  await waitForHttp(`${portkeyUrl}/`);

  const direct = new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: simUrl,
    maxAttempts: 1,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true }) }),
  });
  const inProcess = createHandler(routerDeps(readEnv()));
  const messages = [{ role: 'user' as const, content: [{ text: 'Say hello in five words.' }] }];
  const portkeyTarget = (model: string) => ({
    provider: 'bedrock',
    custom_host: simUrl,
    aws_access_key_id: 'local',
    aws_secret_access_key: 'local',
    aws_region: 'us-east-1',
    override_params: { model },
  });
  const portkeyHeaders = {
    'x-portkey-config': JSON.stringify({
      strategy: { mode: 'fallback' },
      targets: [portkeyTarget(PRIMARY), portkeyTarget(FALLBACK)],
    }),
  };
  const openAiBody = {
    model: 'bench',
    messages: [{ role: 'user', content: 'Say hello in five words.' }],
    max_tokens: 64,
  };

  type Kind = 'direct SDK' | 'router in-process' | 'router over HTTP' | 'Portkey over HTTP';
  const calls: Record<Kind, () => Promise<string>> = {
    'direct SDK': async () =>
      (await direct.send(new ConverseCommand({ modelId: PRIMARY, messages, inferenceConfig: { maxTokens: 64 } })))
        .output?.message?.content?.[0]?.text ?? '',
    'router in-process': async () => {
      const r = await inProcess({
        httpMethod: API_OPERATIONS.chatCompletions.method,
        path: resourcePath('chatCompletions'),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(openAiBody),
      });
      return (
        (JSON.parse(r.body) as { choices?: { message: { content: string } }[] }).choices?.[0]?.message.content ?? r.body
      );
    },
    'router over HTTP': async () =>
      (
        JSON.parse(
          (
            await httpJson(
              `${routerUrl}${resourcePath('chatCompletions')}`,
              API_OPERATIONS.chatCompletions.method,
              openAiBody,
            )
          ).body,
        ) as { choices?: { message: { content: string } }[] }
      ).choices?.[0]?.message.content ?? '',
    'Portkey over HTTP': async () => {
      const r = await httpJson(
        `${portkeyUrl}/v1/chat/completions`,
        'POST',
        { ...openAiBody, model: PRIMARY },
        portkeyHeaders,
      );
      return (
        (JSON.parse(r.body) as { choices?: { message: { content: string } }[] }).choices?.[0]?.message.content ?? r.body
      );
    },
  };
  const kinds = Object.keys(calls) as Kind[];

  // Same fallback chain, checked: with the primary down, every side answers from the fallback.
  stack.bedrock.set(PRIMARY, { failRate: 1, errorType: 'ServiceUnavailableException' });
  for (const k of kinds.slice(1)) {
    const text = await calls[k]();
    if (!text.includes(FALLBACK)) throw new Error(`${k} did not fall back to ${FALLBACK}: ${text.slice(0, 300)}`);
  }
  stack.bedrock.reset();
  for (const k of kinds) {
    const text = await calls[k]();
    if (!text.includes(PRIMARY)) throw new Error(`${k} did not answer from ${PRIMARY}: ${text.slice(0, 300)}`);
  }

  const samples: Record<Kind, number[]> = {
    'direct SDK': [],
    'router in-process': [],
    'router over HTTP': [],
    'Portkey over HTTP': [],
  };
  for (const k of kinds) for (let i = 0; i < 200; i++) await calls[k]();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const k of order) {
      for (let i = 0; i < PER_ROUND; i++) {
        const t0 = performance.now();
        await calls[k]();
        samples[k].push(performance.now() - t0);
      }
    }
  }
  const stats = Object.fromEntries(kinds.map((k) => [k, sortNumbers(samples[k])])) as Record<Kind, number[]>;
  const base = stats['direct SDK'];
  console.log(
    `\nLatency per request, ${ROUNDS * PER_ROUND} sequential requests each, interleaved rounds (loopback simulator, Node ${process.version}):`,
  );
  console.log('  side                 p50          p99          p50 overhead  p99 overhead');
  for (const k of kinds) {
    const s = stats[k];
    const o50 = percentile(s, 50) - percentile(base, 50);
    const o99 = percentile(s, 99) - percentile(base, 99);
    console.log(
      `  ${k.padEnd(20)} ${fmt(percentile(s, 50)).padEnd(12)} ${fmt(percentile(s, 99)).padEnd(12)} ${k === 'direct SDK' ? '' : `${fmt(o50).padEnd(13)} ${fmt(o99)}`}`,
    );
  }
  const over = (k: Kind, p: number) => percentile(stats[k], p) - percentile(base, p);
  console.log(
    `  Portkey overhead / router-over-HTTP overhead: p50 ${(over('Portkey over HTTP', 50) / over('router over HTTP', 50)).toFixed(2)}x, p99 ${(over('Portkey over HTTP', 99) / over('router over HTTP', 99)).toFixed(2)}x`,
  );
  console.log(
    `  Portkey overhead / router in-process overhead: p50 ${(over('Portkey over HTTP', 50) / over('router in-process', 50)).toFixed(2)}x`,
  );
  console.log(
    `  target p50 overhead < 1 ms: in-process ${over('router in-process', 50) < 1 ? 'met' : 'MISSED'}, over HTTP ${over('router over HTTP', 50) < 1 ? 'met' : 'MISSED'}; lower than Portkey: ${over('router over HTTP', 50) < over('Portkey over HTTP', 50) ? 'yes' : 'NO'}`,
  );

  await benchStreaming(stack, direct, messages);

  // The Lambda bundle: functions/router/index.ts, minified, node22, @aws-sdk/* bundled (the runtime's SDK version is not pinned).
  // Exactly what the stack deploys: the same bundle function, the same options.
  const outfile = join(dir, 'lambda', 'index.js');
  const bundle = routerBundle('functions/router/index.ts', join(dir, 'bundle-cache'));
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, bundle.code);
  const bytes = statSync(outfile).size;
  console.log(
    `\nLambda bundle: ${(bytes / 1024).toFixed(0)} KiB minified, ${(gzipSync(readFileSync(outfile)).length / 1024).toFixed(0)} KiB gzipped`,
  );

  // Cold start: a fresh node process loads the bundle and serves its first request against the simulators.
  const probe = join(dir, 'lambda', 'cold.js');
  writeFileSync(
    probe,
    `const t0=performance.now();const m=require('./index.js');const t1=performance.now();const ev={httpMethod:${JSON.stringify(API_OPERATIONS.converse.method)},path:${JSON.stringify(conversePath('bench'))},headers:{'content-type':'application/json'},body:JSON.stringify({messages:[{role:'user',content:[{text:'hi'}]}]})};m.handler(ev).then((r)=>{const t2=performance.now();return m.handler(ev).then(()=>{const t3=performance.now();process.stdout.write(JSON.stringify({load:t1-t0,first:t2-t1,warm:t3-t2,status:r.statusCode})+'\\n');});});`,
  );
  const colds: { load: number; first: number; warm: number; status: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const { child } = await startChild(process.execPath, [probe], {
      ...process.env,
      ...stack.env,
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
    });
    const out = await new Promise<string>((res) => {
      let s = '';
      child.stdout?.on('data', (d: Buffer) => (s += d.toString()));
      child.on('exit', () => res(s));
    });
    const line = out.split('\n').find((l) => l.startsWith('{"load"'));
    if (line) colds.push(JSON.parse(line) as { load: number; first: number; warm: number; status: number });
  }
  const med = (xs: number[]) => percentile(sortNumbers(xs), 50);
  const init = med(colds.map((c) => c.load + c.first));
  console.log(
    `Cold start (median of ${colds.length} fresh processes): module load ${fmt(med(colds.map((c) => c.load)))}, first request ${fmt(med(colds.map((c) => c.first)))} (table read, circuit read, model call; a warm one takes ${fmt(med(colds.map((c) => c.warm)))}), init total ${fmt(init)} wall — target < 150 ms ${init < 150 ? 'met' : 'MISSED'}; statuses ${colds.map((c) => c.status).join(',')}`,
  );
  const setup = med(colds.map((c) => c.load + c.first - c.warm));
  console.log(
    `  module load plus first-request setup (the first request less a warm one, i.e. without the simulators' own answer time): ${fmt(setup)} — target < 150 ms ${setup < 150 ? 'met' : 'MISSED'}`,
  );

  direct.destroy();
  routerProc.child.kill();
  portkey.child.kill();
  await stack.stop();
  process.exit(0);
}

/**
 * Streaming: time to first token (the first text chunk) and to the end of a 100-chunk answer,
 * the router's streaming handler in-process (the Lambda case) against the SDK's ConverseStream
 * straight to the simulator, interleaved, in the same run.
 */
async function benchStreaming(
  stack: SimStack,
  direct: BedrockRuntimeClient,
  messages: { role: 'user'; content: { text: string }[] }[],
): Promise<void> {
  const CHUNKS = 100;
  stack.bedrock.set(PRIMARY, { answer: Array.from({ length: CHUNKS }, (_, i) => `w${i}`).join(' ') });
  const handler = createStreamingHandler(routerDeps(readEnv()));
  const body = JSON.stringify({ model: 'bench', stream: true, messages: [{ role: 'user', content: 'Say hello.' }] });
  type Side = 'direct SDK ConverseStream' | 'router in-process stream';
  const sides: Record<Side, () => Promise<{ first: number; end: number; chunks: number }>> = {
    'direct SDK ConverseStream': async () => {
      const t0 = performance.now();
      const out = await direct.send(new ConverseStreamCommand({ modelId: PRIMARY, messages }));
      let first = 0;
      let chunks = 0;
      for await (const e of out.stream ?? [])
        if (e.contentBlockDelta?.delta?.text !== undefined) {
          if (chunks++ === 0) first = performance.now() - t0;
        }
      return { first, end: performance.now() - t0, chunks };
    },
    'router in-process stream': async () => {
      const t0 = performance.now();
      let first = 0;
      let chunks = 0;
      let end = 0;
      await handler(
        {
          httpMethod: 'POST',
          path: resourcePath('chatCompletions'),
          headers: { 'content-type': 'application/json' },
          body,
        },
        {
          start: () => undefined,
          write: (c) => {
            if (c.includes('"delta":{"content":"w')) if (chunks++ === 0) first = performance.now() - t0;
          },
          end: () => {
            end = performance.now() - t0;
          },
        },
      );
      return { first, end, chunks };
    },
  };
  const names = Object.keys(sides) as Side[];
  for (const n of names) {
    const r = await sides[n]();
    if (r.chunks !== CHUNKS) throw new Error(`${n} streamed ${r.chunks} text chunks, not ${CHUNKS}`);
  }
  for (const n of names) for (let i = 0; i < 100; i++) await sides[n]();
  const first: Record<Side, number[]> = { 'direct SDK ConverseStream': [], 'router in-process stream': [] };
  const end: Record<Side, number[]> = { 'direct SDK ConverseStream': [], 'router in-process stream': [] };
  const rounds = ROUNDS;
  const per = Math.max(20, Math.floor(PER_ROUND / 3));
  for (let round = 0; round < rounds; round++) {
    for (const n of round % 2 === 0 ? names : [...names].reverse())
      for (let i = 0; i < per; i++) {
        const r = await sides[n]();
        first[n].push(r.first);
        end[n].push(r.end);
      }
  }
  const f = Object.fromEntries(names.map((n) => [n, sortNumbers(first[n])])) as Record<Side, number[]>;
  const e = Object.fromEntries(names.map((n) => [n, sortNumbers(end[n])])) as Record<Side, number[]>;
  const [base, router] = names;
  console.log(
    `\nStreaming, ${rounds * per} streams of ${CHUNKS} text chunks each, interleaved rounds (loopback simulator):`,
  );
  console.log('  side                        first token p50/p99      whole stream p50/p99');
  for (const n of names)
    console.log(
      `  ${n.padEnd(27)} ${`${fmt(percentile(f[n], 50))} / ${fmt(percentile(f[n], 99))}`.padEnd(24)} ${fmt(percentile(e[n], 50))} / ${fmt(percentile(e[n], 99))}`,
    );
  const ttft50 = percentile(f[router], 50) - percentile(f[base], 50);
  const ttft99 = percentile(f[router], 99) - percentile(f[base], 99);
  const perChunk = (percentile(e[router], 50) - percentile(e[base], 50) - ttft50) / (CHUNKS - 1);
  console.log(
    `  added time to first token: p50 ${fmt(ttft50)} (target < 1 ms ${ttft50 < 1 ? 'met' : 'MISSED'}), p99 ${fmt(ttft99)} (target < 3 ms ${ttft99 < 3 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `  added per chunk after the first (p50 whole-stream overhead less first-token overhead, / ${CHUNKS - 1}): ${perChunk.toFixed(4)} ms (target < 0.1 ms ${perChunk < 0.1 ? 'met' : 'MISSED'})`,
  );
  stack.bedrock.reset();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
