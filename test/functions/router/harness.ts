import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../../catalog';
import type { RoutingTable } from '../../../schemas/generated/routing-table';
import { createHandler, routerDeps, type Handler } from '../../../functions/router/app';
import { readEnv } from '../../../functions/router/env';
import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from '../../../functions/router/http-types';
import type { AttemptRecord, RoutingRecord } from '../../../functions/router/routing-record';
import { setLogSink } from '../../../functions/router/log';
import { AppConfigExtensionSim } from '../../../sim/appconfig-extension';
import { BedrockRuntimeSim } from '../../../sim/bedrock-runtime';
import { LocalDynamo } from '../../../sim/dynamodb';
import { SageMakerRuntimeSim } from '../../../sim/sagemaker-runtime';

/** The prod routing table with test-sized resilience: fast backoff, threshold 3, cooldown 1 s. */
export function testTable(): RoutingTable {
  const plan = loadProject({ only: ['prod'] }).plans[0];
  const table = structuredClone(plan.routingTable);
  for (const route of Object.values(table.routes)) {
    route.resilience = { attemptTimeoutMs: 2000, attemptsPerModel: 2, latencyBudgetMs: 15000, backoff: { baseMs: 1, maxMs: 4 }, circuitBreaker: { failureThreshold: 3, windowSeconds: 60, cooldownSeconds: 1 } };
  }
  return table;
}

/** The real router against loopback simulators of Bedrock, SageMaker, the AppConfig extension and DynamoDB. */
export class Harness {
  readonly bedrock = new BedrockRuntimeSim();
  readonly sagemaker = new SageMakerRuntimeSim();
  readonly appconfig = new AppConfigExtensionSim();
  dynamo!: LocalDynamo;
  logs: Record<string, unknown>[] = [];
  private tables = 0;
  private dir = mkdtempSync(join(tmpdir(), 'router-test-'));

  async start(): Promise<this> {
    setLogSink((line) => this.logs.push(JSON.parse(line) as Record<string, unknown>), 'debug');
    this.dynamo = await LocalDynamo.start();
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: await this.bedrock.listen(),
      AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: await this.sagemaker.listen(),
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamo.url,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_REGION: 'us-east-1',
      FM_APPCONFIG_URL: await this.appconfig.listen(),
      FM_APPCONFIG_APPLICATION: 'fm-platform',
      FM_APPCONFIG_ENVIRONMENT: 'prod',
      FM_APPCONFIG_PROFILE: 'routing-table',
      FM_ENVIRONMENT: 'prod',
      AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: '0',
    });
    this.appconfig.setDocument(testTable());
    return this;
  }

  /** A cold-started router (fresh table cache and breaker) with its own empty circuit table. */
  async router(options: { baked?: RoutingTable; pollSeconds?: number } = {}): Promise<Handler> {
    const circuitTable = `circuits-${++this.tables}`;
    await this.dynamo.createCircuitTable(circuitTable);
    const bakedPath = join(this.dir, `baked-${this.tables}.json`);
    if (options.baked) writeFileSync(bakedPath, JSON.stringify(options.baked));
    const env = readEnv({ ...process.env, FM_CIRCUIT_TABLE: circuitTable, FM_BAKED_ROUTING_TABLE: bakedPath, AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: String(options.pollSeconds ?? 0) });
    this.lastCircuitTable = circuitTable;
    return createHandler(routerDeps(env));
  }

  lastCircuitTable = '';

  reset(): void {
    this.bedrock.reset();
    this.sagemaker.reset();
    this.appconfig.down = false;
    this.appconfig.setDocument(testTable());
    this.logs = [];
  }

  async stop(): Promise<void> {
    await Promise.all([this.bedrock.close(), this.sagemaker.close(), this.appconfig.close(), this.dynamo.close()]);
  }

  /** Calls of the simulated Bedrock as `target@region status`. */
  bedrockCalls(): string[] {
    return this.bedrock.calls.map((c) => `${c.target}@${c.region} ${c.status}`);
  }
}

export const TARGET = {
  haiku: 'us.anthropic.claude-3-haiku-20240307-v1:0',
  sonnet: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
  novaLite: 'us.amazon.nova-lite-v1:0',
  novaMicro: 'us.amazon.nova-micro-v1:0',
  llama70b: 'us.meta.llama3-1-70b-instruct-v1:0',
  mistral: 'mistral.mistral-large-2402-v1:0',
  commandR: 'cohere.command-r-v1:0',
  supportEndpoint: 'fm-prod-llama-3-8b-support-lora',
} as const;

export function post(path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): APIGatewayProxyEventLike {
  return { httpMethod: 'POST', path, headers, body: typeof body === 'string' ? body : JSON.stringify(body), requestContext: { requestId: 'req-1' } };
}

export function converse(route: string, body: unknown): APIGatewayProxyEventLike {
  return post(`/v1/routes/${route}/converse`, body);
}

export const userText = (text: string, metadata?: Record<string, string>) => ({ messages: [{ role: 'user', content: [{ text }] }], ...(metadata ? { metadata } : {}) });

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
