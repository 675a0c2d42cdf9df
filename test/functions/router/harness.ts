import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProject } from '../../../catalog';
import { ROUTER_ENV, ROUTER_LOCAL_ENV } from '../../../contracts/router-env';
import type { RoutingTable } from '../../../contracts/routing-table';
import { createHandler, routerDeps, type Handler } from '../../../functions/router/app';
import type { RouterDeps } from '../../../functions/router/serve';
import { readEnv } from '../../../functions/router/env';
import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from '../../../functions/router/http-types';
import type { AttemptRecord, RoutingRecord } from '../../../functions/router/routing-record';
import { setLogSink } from '../../../functions/router/log';
import { createStreamingHandler } from '../../../functions/router/stream-app';
import { serveStreamingHandler } from '../../../sim/gateway';
import type { AppConfigExtensionSim } from '../../../sim/appconfig-extension';
import type { BedrockRuntimeSim } from '../../../sim/bedrock-runtime';
import type { LocalDynamo } from '../../../sim/dynamodb';
import type { SageMakerRuntimeSim } from '../../../sim/sagemaker-runtime';
import { SimStack } from '../../../sim/stack';
import { tempDir } from '../../support/temp-dir';

/** The prod routing table with test-sized resilience: fast backoff, threshold 3, cooldown 1 s. */
export function testTable(): RoutingTable {
  const plan = loadProject({ only: ['prod'] }).plans[0];
  const table = structuredClone(plan.routingTable);
  for (const route of Object.values(table.routes)) {
    route.resilience = {
      attemptTimeoutMs: 2000,
      attemptsPerModel: 2,
      latencyBudgetMs: 15000,
      backoff: { baseMs: 1, maxMs: 4 },
      circuitBreaker: { failureThreshold: 3, windowSeconds: 60, cooldownSeconds: 1 },
    };
  }
  return table;
}

export interface RouterOptions {
  readonly baked?: RoutingTable;
  readonly pollSeconds?: number;
  /** Another AppConfig configuration profile than the one the extension serves. */
  readonly profile?: string;
  /** Share this existing circuit table (another instance of the same router) instead of a new one. */
  readonly circuitTable?: string;
  /** More environment variables of the router (FM_DEPLOYED_TARGETS ...). */
  readonly env?: Readonly<Record<string, string>>;
}

/** The real router against the loopback simulators of sim/stack.ts (Bedrock, SageMaker, the AppConfig extension, DynamoDB). */
export class Harness {
  logs: Record<string, unknown>[] = [];
  lastCircuitTable = '';
  private sims?: { stack: SimStack; dir: string };
  private tables = 0;

  private get started(): { stack: SimStack; dir: string } {
    if (this.sims === undefined) throw new Error('the harness is not started: call start() in beforeAll');
    return this.sims;
  }

  get stack(): SimStack {
    return this.started.stack;
  }

  get bedrock(): BedrockRuntimeSim {
    return this.stack.bedrock;
  }

  get sagemaker(): SageMakerRuntimeSim {
    return this.stack.sagemaker;
  }

  get appconfig(): AppConfigExtensionSim {
    return this.stack.appconfig;
  }

  get dynamo(): LocalDynamo {
    return this.stack.dynamo;
  }

  async start(): Promise<this> {
    setLogSink((line) => this.logs.push(JSON.parse(line) as Record<string, unknown>), 'debug');
    this.sims = {
      stack: await SimStack.start(testTable(), { pollSeconds: 0 }),
      dir: tempDir('router-test-'),
    };
    return this;
  }

  /**
   * A cold-started router (fresh table cache and breaker) with its own empty circuit table;
   * `profile` names another AppConfig configuration profile than the one the extension serves.
   */
  /**
   * A cold-started router whose every answer waits for the breaker's writes and the routing-table
   * poll (which the real router runs off the request path), so a test's next request sees what the
   * last one wrote or read.
   */
  async router(options: RouterOptions = {}): Promise<Handler> {
    const deps = await this.routerDeps(options);
    const handler = createHandler(deps);
    return async (event) => {
      const res = await handler(event);
      await Promise.all([deps.breaker.settled(), deps.tables.refreshed()]);
      return res;
    };
  }

  /** The dependencies of a cold-started router (as router() makes them), for tests that reach into the breaker. */
  async routerDeps(options: RouterOptions = {}): Promise<RouterDeps> {
    const { stack, dir } = this.started;
    const n = ++this.tables;
    const circuitTable = options.circuitTable ?? `circuits-${n}`;
    if (options.circuitTable === undefined) await stack.dynamo.createCircuitTable(circuitTable);
    const bakedPath = join(dir, `baked-${n}.json`);
    if (options.baked) writeFileSync(bakedPath, JSON.stringify(options.baked));
    const env = readEnv({
      ...process.env,
      [ROUTER_ENV.circuitTable]: circuitTable,
      [ROUTER_LOCAL_ENV.bakedRoutingTable]: bakedPath,
      [ROUTER_ENV.pollIntervalSeconds]: String(options.pollSeconds ?? 0),
      ...(options.profile !== undefined ? { [ROUTER_ENV.appConfigProfile]: options.profile } : {}),
      ...options.env,
    });
    this.lastCircuitTable = circuitTable;
    return routerDeps(env);
  }

  /**
   * The router as `npm run dev` serves it (the streaming handler behind a local HTTP gateway, a
   * cold start with its own circuit table), for the real client libraries; close() stops it.
   */
  async gateway(): Promise<{ url: string; close: () => Promise<void> }> {
    const { stack } = this.started;
    const circuitTable = `circuits-${++this.tables}`;
    await stack.dynamo.createCircuitTable(circuitTable);
    const env = readEnv({
      ...process.env,
      [ROUTER_ENV.circuitTable]: circuitTable,
      [ROUTER_ENV.pollIntervalSeconds]: '0',
    });
    const { server, url } = await serveStreamingHandler(createStreamingHandler(routerDeps(env)), 0);
    return {
      url,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }

  /** Serves a routing table (or any document) where the router reads it. */
  setTable(document: RoutingTable | string | object): void {
    this.stack.setTable(document);
  }

  reset(): void {
    this.bedrock.reset();
    this.sagemaker.reset();
    this.appconfig.down = false;
    this.appconfig.failWith = undefined;
    this.appconfig.delayMs = 0;
    this.appconfig.clear();
    this.setTable(testTable());
    this.logs = [];
  }

  async stop(): Promise<void> {
    const { stack, dir } = this.started;
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
    this.sims = undefined;
  }

  /** Calls of the simulated Bedrock as `target@region status`. */
  bedrockCalls(): string[] {
    return this.bedrock.calls.map((c) => `${c.target}@${c.region} ${c.status}`);
  }
}

export const TARGET = {
  haiku: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  sonnet: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
  novaLite: 'us.amazon.nova-lite-v1:0',
  novaMicro: 'us.amazon.nova-micro-v1:0',
  llama70b: 'us.meta.llama3-1-70b-instruct-v1:0',
  mistral: 'mistral.mistral-large-2402-v1:0',
  supportEndpoint: 'fm-prod-llama-3-8b-support-lora',
  /** Its DR endpoint in us-west-2 (sagemaker.disasterRecovery of prod). */
  supportDrEndpoint: 'fm-prod-llama-3-8b-support-lora-dr',
} as const;

export function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): APIGatewayProxyEventLike {
  return {
    httpMethod: 'POST',
    path,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    requestContext: { requestId: 'req-1' },
  };
}

export function converse(route: string, body: unknown): APIGatewayProxyEventLike {
  return post(`/v1/routes/${route}/converse`, body);
}

export const userText = (text: string, metadata?: Record<string, string>) => ({
  messages: [{ role: 'user', content: [{ text }] }],
  ...(metadata ? { metadata } : {}),
});

/** The union of the router's response bodies, as the tests read them. */
export interface ResponseBody {
  output?: { message: { role: string; content: { text?: string }[] } };
  stopReason?: string;
  usage?: { inputTokens: number; outputTokens: number; totalTokens: number };
  model?: string;
  routing?: RoutingRecord;
  error?: { code: string; message: string; requestId: string; attempts?: AttemptRecord[] };
  id?: string;
  object?: string;
  created?: number;
  choices?: { index: number; message: { role: string; content: string }; finish_reason: string }[];
  routes?: { id: string; models: string[]; strategy: string }[];
  catalogVersion?: string;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: ResponseBody;
}

export function parse(res: APIGatewayProxyResultLike): Answer {
  return { status: res.statusCode, headers: res.headers ?? {}, body: JSON.parse(res.body) as ResponseBody };
}

export async function call(handler: Handler, event: APIGatewayProxyEventLike): Promise<Answer> {
  return parse(await handler(event));
}
