import { unwatchFile, watchFile, type Stats } from 'node:fs';
import { join } from 'node:path';
import { checkProject, formatIssues } from '../catalog';
import { defaultCatalogPath, defaultEnvironmentsDir } from '../catalog/paths';
import { tableModel, type RoutingTable } from '../contracts/routing-table';
import { limitId, type LimitKind } from '../contracts/spend';
import { conversePath, resourcePath } from '../contracts/http-api';
import { routerDeps } from '../functions/router/app';
import { createStreamingHandler } from '../functions/router/stream-app';
import { readEnv } from '../functions/router/env';
import { setLogSink } from '../functions/router/log';
import { serveStreamingHandler } from '../sim/gateway';
import { BEDROCK_ERROR_STATUS } from '../sim/bedrock-runtime';
import type { Behaviour } from '../sim/http-sim';
import { SAGEMAKER_ERROR_STATUS } from '../sim/sagemaker-runtime';
import { SimStack } from '../sim/stack';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run dev -- [--env NAME] [--port N] [--slow MODEL=MS[@REGION]] [--throttle MODEL=RATE[@REGION]]
                      [--down MODEL[@REGION]] [--fail MODEL=ERROR[@REGION]] [--stall MODEL=MS[@REGION]]
                      [--chunk-delay MODEL=MS[@REGION]] [--break-after MODEL=N[@REGION]] [--aws] [--quiet]
                      [--catalog FILE] [--environments DIR] [--poll SECONDS]
                      [--budget CONSUMER=USD] [--tpm CONSUMER=N] [--rpm CONSUMER=N]

Serves the router on 127.0.0.1 against a built-in simulator of Bedrock Runtime and SageMaker
Runtime (no AWS account needed), with the routing table of one environment from the catalog, a
local AppConfig extension and a local DynamoDB circuit table. It watches the catalog and the
environment's file: a valid edit is published to the local AppConfig extension and the running
router takes it within the poll interval, with no restart; an invalid edit is refused with the
validator's located errors, and the last good table keeps serving.
  --env NAME                 environment (default: dev)
  --port N                   port (default: 8080; 0 picks one)
  --catalog FILE             the catalog (default: model-catalog.json)
  --environments DIR         the environment files (default: environments/)
  --poll SECONDS             the router's AppConfig poll interval here (default: 5)
  --slow MODEL=MS[@REGION]   the model answers after MS milliseconds (repeatable)
  --throttle MODEL=RATE[@R]  the model throttles that share of calls, 0..1 (repeatable)
  --down MODEL[@REGION]      the model fails every call with ServiceUnavailableException
  --fail MODEL=ERROR[@R]     the model fails every call with that exception name
  --stall MODEL=MS[@R]       streaming: the model stays silent MS ms before its first token
  --chunk-delay MODEL=MS[@R] streaming: MS ms between the model's chunks
  --break-after MODEL=N[@R]  streaming: the model's stream fails after N chunks
  --budget CONSUMER=USD      a monthly budget for that consumer (repeatable), enforced on a local
                             ledger in dynalite; send the consumer as the x-fm-consumer header
  --tpm CONSUMER=N           tokens per minute for that consumer (repeatable)
  --rpm CONSUMER=N           requests per minute for that consumer (repeatable)
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
    catalog: { type: 'string' },
    environments: { type: 'string' },
    poll: { type: 'string' },
    budget: { type: 'string', multiple: true },
    tpm: { type: 'string', multiple: true },
    rpm: { type: 'string', multiple: true },
  },
  USAGE,
);

if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}

/** A fault flag, checked against the routing table before anything starts. */
interface Fault {
  readonly model: string;
  readonly region?: string;
  readonly behaviour: Behaviour;
}

/** Refuses a flag with what was wrong and what it takes; exit 2, nothing started. */
function refuse(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The exception names the simulators can answer with (--fail). */
const ERROR_NAMES = [...new Set([...Object.keys(BEDROCK_ERROR_STATUS), ...Object.keys(SAGEMAKER_ERROR_STATUS)])];

/**
 * MODEL=VALUE@REGION of one fault flag, checked: the model is in the routing table, the Region is
 * one of its targets, and the value is what the flag takes.
 */
function fault(
  table: RoutingTable,
  flag: string,
  raw: string,
  value: ((v: string) => Behaviour | string) | undefined,
): Fault {
  const [main, region, ...extra] = raw.split('@');
  const eq = main.indexOf('=');
  const model = eq < 0 ? main : main.slice(0, eq);
  const v = eq < 0 ? undefined : main.slice(eq + 1);
  const m = tableModel(table, model);
  if (m === undefined)
    refuse(`--${flag} ${raw}: no model "${model}" in the routing table (${Object.keys(table.models).join(', ')})`);
  const regions = m.targets.map((t) => t.region);
  if (extra.length > 0 || (region !== undefined && !regions.includes(region)))
    refuse(`--${flag} ${raw}: "${model}" is called in ${regions.join(', ')}, not in "${region ?? ''}"`);
  if (value === undefined) {
    if (v !== undefined) refuse(`--${flag} ${raw}: takes MODEL[@REGION], no value`);
    return { model, region, behaviour: { failRate: 1, errorType: 'ServiceUnavailableException' } };
  }
  const behaviour = value(v ?? '');
  if (typeof behaviour === 'string') refuse(`--${flag} ${raw}: ${behaviour}`);
  return { model, region, behaviour };
}

const FAULT_FLAGS = {
  slow: (v: string): Behaviour | string =>
    /^\d+$/.test(v) ? { delayMs: Number(v) } : `MS must be a whole number of milliseconds, not "${v}"`,
  throttle: (v: string): Behaviour | string =>
    /^(0(\.\d+)?|1(\.0+)?|\.\d+)$/.test(v)
      ? { failRate: Number(v), errorType: 'ThrottlingException' }
      : `RATE must be a share of calls from 0 to 1, not "${v}"`,
  down: undefined,
  fail: (v: string): Behaviour | string =>
    ERROR_NAMES.includes(v)
      ? { failRate: 1, errorType: v }
      : `ERROR must be one of ${ERROR_NAMES.join(', ')}, not "${v}"`,
  stall: (v: string): Behaviour | string =>
    /^\d+$/.test(v) ? { firstTokenDelayMs: Number(v) } : `MS must be a whole number of milliseconds, not "${v}"`,
  'chunk-delay': (v: string): Behaviour | string =>
    /^\d+$/.test(v) ? { chunkDelayMs: Number(v) } : `MS must be a whole number of milliseconds, not "${v}"`,
  'break-after': (v: string): Behaviour | string =>
    /^\d+$/.test(v) ? { failAfterChunks: Number(v) } : `N must be a whole number of chunks, not "${v}"`,
} as const;

const LIMIT_FLAGS = { budget: 'monthlyBudgetUsd', tpm: 'tokensPerMinute', rpm: 'requestsPerMinute' } as const;

/** The --budget, --tpm and --rpm flags, checked before anything starts. */
function localLimits(): { consumer: string; limit: LimitKind; hard: number }[] {
  return (Object.keys(LIMIT_FLAGS) as (keyof typeof LIMIT_FLAGS)[]).flatMap((flag) =>
    (opts[flag] ?? []).map((raw) => {
      const m = /^([a-z0-9][a-z0-9-]*)=(\d+(\.\d+)?)$/.exec(raw);
      if (m === null || !(Number(m[2]) > 0))
        refuse(
          `--${flag} ${raw}: takes CONSUMER=${flag === 'budget' ? 'USD' : 'N'}, a consumer name and a positive number`,
        );
      return { consumer: m[1], limit: LIMIT_FLAGS[flag], hard: Number(m[2]) };
    }),
  );
}

/** The table with the flags' limits set on it (each replaces the environment file's limit of the same kind, unscoped). */
function withLimits(table: RoutingTable, limits: ReturnType<typeof localLimits>): RoutingTable {
  if (limits.length === 0) return table;
  const out = structuredClone(table);
  const consumers = (out.consumers ??= {});
  for (const l of limits) {
    const c = (consumers[l.consumer] ??= { limits: [] });
    const id = limitId(l);
    c.limits = [...c.limits.filter((x) => x.id !== id), { id, limit: l.limit, hard: l.hard }];
  }
  return out;
}

async function main(): Promise<void> {
  const envName = opts.env ?? 'dev';
  const load = (): { table?: RoutingTable; errors: string } => {
    const result = checkProject({
      catalogPath: opts.catalog,
      environmentsDir: opts.environments,
      only: [envName],
      suggestReplacement: replacementSuggester,
    });
    const found = result.project?.plans.find((p) => p.name === envName)?.routingTable;
    return {
      table: found,
      errors:
        result.project === undefined
          ? formatIssues(result.issues.filter((i) => i.severity === 'error'))
          : `no environment "${envName}"`,
    };
  };
  const first = load();
  if (first.table === undefined) {
    console.error(first.errors);
    process.exit(2);
  }
  const limits = localLimits();
  const table = withLimits(first.table, limits);
  if (opts.poll !== undefined && !/^\d+$/.test(opts.poll))
    refuse(`--poll must be a whole number of seconds, not "${opts.poll}"`);
  const pollSeconds = Number(opts.poll ?? 5);
  const faults = (Object.keys(FAULT_FLAGS) as (keyof typeof FAULT_FLAGS)[]).flatMap((flag) =>
    (opts[flag] ?? []).map((raw) => fault(table, flag, raw, FAULT_FLAGS[flag])),
  );
  if (opts.aws && faults.length > 0)
    refuse(
      '--slow, --throttle, --down, --fail, --stall, --chunk-delay and --break-after act on the simulators, which --aws replaces by real AWS: drop one or the other',
    );
  const port = Number(opts.port ?? 8080);
  if (!/^\d+$/.test(opts.port ?? '8080') || port > 65535)
    refuse(`--port must be a port number (0 picks a free one), not "${opts.port}"`);
  const stack = await SimStack.start(table, { models: !opts.aws, pollSeconds });
  for (const f of faults) stack.setModel(f.model, f.behaviour, f.region);
  setLogSink((line) => {
    if (!opts.quiet && !line.startsWith('{"_aws"')) process.stdout.write(`${line}\n`);
  });
  let published = table;
  let url: string;
  try {
    ({ url } = await serveStreamingHandler(createStreamingHandler(routerDeps(readEnv())), port));
  } catch (err) {
    await stack.stop();
    const code = (err as NodeJS.ErrnoException).code;
    console.error(
      code === 'EADDRINUSE'
        ? `port ${port} is in use on 127.0.0.1: stop what listens there, or pass --port N (0 picks a free one)`
        : `cannot listen on 127.0.0.1:${port}: ${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(1);
  }
  console.log(`router for ${envName} (catalog ${table.catalogVersion}) on ${url} — ${opts.aws ? 'real AWS' : 'simulated Bedrock and SageMaker'}
  routes: ${Object.keys(table.routes).join(', ')}
  try:  curl -s ${url}${resourcePath('listRoutes')}
        curl -s ${url}${resourcePath('chatCompletions')} -H 'content-type: application/json' -d '{"model":"chat","messages":[{"role":"user","content":"Hello"}]}'
        curl -sN ${url}${resourcePath('chatCompletions')} -H 'content-type: application/json' -d '{"model":"chat","stream":true,"messages":[{"role":"user","content":"Hello"}]}'
        curl -s ${url}${conversePath('chat')} -H 'content-type: application/json' -d '{"messages":[{"role":"user","content":[{"text":"Bonjour"}]}],"metadata":{"language":"fr"}}'
  limits: ${
    Object.entries(table.consumers ?? {})
      .map(([c, { limits: l }]) => `${c} (${l.map((x) => `${x.id} ${x.hard}`).join(', ')})`)
      .join('; ') || 'none'
  }; name the consumer with -H 'x-fm-consumer: NAME'
  circuits: an open circuit half-opens when the next request reaches it after its cooldown; the
        recovery workflow that probes idle circuits in AWS does not run here, so a circuit no request
        reaches stays OPEN in the local table (harmless: the next request probes it)`);
  const stopWatching = watchProject(
    [opts.catalog ?? defaultCatalogPath, join(opts.environments ?? defaultEnvironmentsDir, `${envName}.json`)],
    () => {
      const loaded = load();
      const next = { ...loaded, table: loaded.table && withLimits(loaded.table, limits) };
      if (next.table === undefined) {
        console.error(
          `refused the edit: the catalog or ${envName}.json is invalid; the router keeps serving catalog ${published.catalogVersion}\n${next.errors}`,
        );
        return;
      }
      if (JSON.stringify(next.table) === JSON.stringify(published)) return;
      published = next.table;
      stack.setTable(published);
      console.log(
        `published catalog ${published.catalogVersion} to the local AppConfig extension; the router takes it within ${pollSeconds} s`,
      );
    },
  );
  const stop = (): void => {
    stopWatching();
    void stack.stop().finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * Calls `changed` (debounced) when any of the files changes. Polls the files' status rather than
 * using fs.watch: editors that save by writing a new file and renaming it keep working.
 */
function watchProject(files: readonly string[], changed: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onChange = (now: Stats, before: Stats): void => {
    if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(changed, 150);
  };
  for (const f of files) watchFile(f, { interval: 250 }, onChange);
  return () => {
    for (const f of files) unwatchFile(f, onChange);
    if (timer !== undefined) clearTimeout(timer);
  };
}

main().catch((err: unknown) => {
  console.error(`npm run dev failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
