import { BedrockRuntimeClient, ConverseCommand, type Message } from '@aws-sdk/client-bedrock-runtime';
import { Sha256 } from '@aws-crypto/sha256-js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { hostingKind } from '../hosting';
import { API_OPERATIONS, conversePath } from '../contracts/http-api';
import type { ModelCatalog } from '../schemas/generated/model-catalog';
import { BedrockRuntimeSim } from '../sim/bedrock-runtime';
import type { Example } from './dataset';
import { simulatedBehaviour, type SimulatedModel } from './simulated-models';

/** One answer of one model to one example, with what it cost in tokens and time. */
export interface Reply {
  readonly text: string;
  /** The model that answered: the one asked, or for `api` the one the route chose. */
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** Wall time of the successful call, measured by the caller. */
  readonly latencyMs: number;
}

/** Where the examples are sent. */
export interface EvalTarget {
  readonly name: 'local' | 'bedrock' | 'api';
  /** Human-readable: `local simulator`, `bedrock us-east-1`, `api https://…/v1/routes/translate`. */
  readonly description: string;
  invoke(modelId: string, example: Example, signal: AbortSignal): Promise<Reply>;
  close(): Promise<void>;
}

/** A failed call with the service's error name (ThrottlingException ...) so the runner can decide to retry. */
export class TargetCallError extends Error {
  constructor(
    message: string,
    readonly errorName: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'TargetCallError';
  }
}

function converseMessages(example: Example): Message[] {
  return example.messages.map((m) => ({ role: m.role, content: [{ text: m.text }] }));
}

/**
 * Bedrock Converse with the caller's credentials (or given ones), each model called the way the
 * router calls it from `region`: through the inference profile that covers the Region, else by
 * its model id. The SDK's own retries are off: the runner retries throttling, and measures one call.
 */
export function bedrockTarget(
  catalog: ModelCatalog,
  region: string,
  options: {
    endpoint?: string;
    credentials?: { accessKeyId: string; secretAccessKey: string };
    name?: 'local' | 'bedrock';
    onClose?: () => Promise<void>;
  } = {},
): EvalTarget & { warmUp(connections: number): Promise<void> } {
  const client = new BedrockRuntimeClient({
    region,
    maxAttempts: 1,
    // Keep-alive HTTP/1.1: the default HTTP/2 handler opened a connection per call against the local Bedrock simulator.
    requestHandler: new NodeHttpHandler({
      httpAgent: new Agent({ keepAlive: true }),
      httpsAgent: new HttpsAgent({ keepAlive: true }),
    }),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
  return {
    name: options.name ?? 'bedrock',
    description: options.name === 'local' ? 'local simulator' : `bedrock ${region}`,
    async invoke(modelId, example, signal) {
      const invokeId = bedrockInvokeId(catalog, modelId, region);
      const started = performance.now();
      try {
        const out = await client.send(
          new ConverseCommand({
            modelId: invokeId,
            messages: converseMessages(example),
            ...(example.system ? { system: [{ text: example.system }] } : {}),
            ...(example.temperature !== undefined ? { inferenceConfig: { temperature: example.temperature } } : {}),
          }),
          { abortSignal: signal },
        );
        const latencyMs = performance.now() - started;
        const text = (out.output?.message?.content ?? [])
          .flatMap((c) => (c.text !== undefined ? [c.text] : []))
          .join('');
        return {
          text,
          model: modelId,
          inputTokens: out.usage?.inputTokens ?? 0,
          outputTokens: out.usage?.outputTokens ?? 0,
          latencyMs,
        };
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        throw new TargetCallError(
          `${modelId}: ${e.message ?? String(err)}`,
          e.name ?? 'Error',
          e.$metadata?.httpStatusCode,
        );
      }
    },
    /**
     * Opens `connections` keep-alive connections and runs the client's first-call set-up before
     * anything is timed, so measured latencies are the server's, not a cold client's. The calls
     * name a model no catalog has; their errors are ignored.
     */
    async warmUp(connections) {
      const call = (): Promise<unknown> =>
        client
          .send(
            new ConverseCommand({
              modelId: 'warm-up.local',
              messages: [{ role: 'user', content: [{ text: 'warm up' }] }],
            }),
          )
          .catch(() => undefined);
      // A few rounds: the first calls also pay for the JIT compiling the SDK's request path.
      for (let round = 0; round < 5; round++) await Promise.all(Array.from({ length: Math.max(1, connections) }, call));
    },
    async close() {
      client.destroy();
      await options.onClose?.();
    },
  };
}

/** The id Converse is called with from a Region: the profile id where a profile covers it, else the model id. */
export function bedrockInvokeId(catalog: ModelCatalog, modelId: string, region: string): string {
  const model = catalog.models.find((m) => m.id === modelId);
  if (model === undefined) throw new TargetCallError(`unknown model "${modelId}"`, 'ValidationException');
  const kind = hostingKind(model.hosting);
  const access = kind.servedIn(model.hosting, region);
  if (!access.served) throw new TargetCallError(`${modelId} is not served in ${region}`, 'ValidationException');
  if (access.converseModelId === undefined)
    throw new TargetCallError(
      `${modelId} is hosted on ${kind.label}: evaluate it through --target api on a route that serves it`,
      'ValidationException',
    );
  return access.converseModelId;
}

/**
 * The router's Bedrock simulator on loopback, each model answering as its SimulatedModel says
 * (deterministic answers and latencies per prompt), called through the real Bedrock client. No
 * AWS account is needed.
 */
export async function localTarget(
  catalog: ModelCatalog,
  region: string,
  models: Readonly<Record<string, SimulatedModel>>,
  options: { concurrency?: number } = {},
): Promise<EvalTarget> {
  const sim = new BedrockRuntimeSim();
  for (const [modelId, simulated] of Object.entries(models))
    sim.set(bedrockInvokeId(catalog, modelId, region), simulatedBehaviour(simulated));
  const endpoint = await sim.listen();
  const target = bedrockTarget(catalog, region, {
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    name: 'local',
    onClose: () => sim.close(),
  });
  await target.warmUp(options.concurrency ?? 4);
  sim.calls.length = 0;
  return target;
}

/**
 * A deployed environment's API: `POST {baseUrl}/v1/routes/{route}/converse`, signed with SigV4 for
 * execute-api with the caller's credentials, with the consumer's API key where the environment
 * has consumers (its methods then require one). The route chooses the model; the reply names it.
 */
export function apiTarget(baseUrl: string, route: string, region: string, apiKey?: string): EvalTarget {
  const signer = new SignatureV4({ service: 'execute-api', region, credentials: defaultProvider(), sha256: Sha256 });
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${conversePath(route)}`);
  return {
    name: 'api',
    description: `api ${url.toString()}`,
    async invoke(_modelId, example, signal) {
      const body = JSON.stringify({
        messages: converseMessages(example),
        ...(example.system ? { system: [{ text: example.system }] } : {}),
        ...(example.temperature !== undefined ? { inferenceConfig: { temperature: example.temperature } } : {}),
      });
      const signed = await signer.sign({
        method: API_OPERATIONS.converse.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query: {},
        headers: { host: url.host, 'content-type': 'application/json', ...(apiKey ? { 'x-api-key': apiKey } : {}) },
        body,
      });
      const started = performance.now();
      const res = await fetch(url, { method: API_OPERATIONS.converse.method, headers: signed.headers, body, signal });
      const text = await res.text();
      const latencyMs = performance.now() - started;
      if (!res.ok) {
        const name = res.status === 429 ? 'ThrottlingException' : `HTTP${res.status}`;
        throw new TargetCallError(`${route}: HTTP ${res.status} ${text.slice(0, 200)}`, name, res.status);
      }
      const out = JSON.parse(text) as {
        output?: { message?: { content?: { text?: string }[] } };
        usage?: { inputTokens?: number; outputTokens?: number };
        model?: string;
      };
      return {
        text: (out.output?.message?.content ?? []).flatMap((c) => (c.text !== undefined ? [c.text] : [])).join(''),
        model: out.model ?? route,
        inputTokens: out.usage?.inputTokens ?? 0,
        outputTokens: out.usage?.outputTokens ?? 0,
        latencyMs,
      };
    },
    close: () => Promise.resolve(),
  };
}
