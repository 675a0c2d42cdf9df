import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What a simulated model does, per target (model id or endpoint name) and optionally per Region.
 * Errors are drawn per call: `failFirst` calls fail, then each call fails with probability `failRate`.
 */
export interface Behaviour {
  /** Milliseconds before answering (or failing). */
  readonly delayMs?: number;
  /** 0..1, probability that a call fails with `errorType`. */
  readonly failRate?: number;
  /** The first n calls fail with `errorType`, later ones follow failRate. */
  readonly failFirst?: number;
  /** The service's exception name, e.g. ThrottlingException (default ServiceUnavailableException). */
  readonly errorType?: string;
  /** The error message (default: "<errorType> (simulated)"). */
  readonly errorMessage?: string;
  /** A fixed answer; default an echo naming the model and Region. */
  readonly answer?: string;
  /** A raw 200 body in place of the answer (a container that answers something unreadable). SageMaker only. */
  readonly rawBody?: string;
  /**
   * A reply chosen from the prompt (deterministic simulated models for evaluation): its `answer`
   * and `delayMs`, when given, take the place of the fixed ones above. Bedrock Converse only.
   */
  readonly reply?: (prompt: SimPrompt) => { readonly answer?: string; readonly delayMs?: number };
  /** Bedrock's stopReason to answer with (default end_turn, or tool_use when it calls a tool). Bedrock only. */
  readonly stopReason?: string;
  /** The input of the tool call the model makes when the request forces a tool (default: a sample of the tool's input schema). Bedrock only. */
  readonly toolInput?: unknown;
  /** ConverseStream, InvokeEndpointWithResponseStream: milliseconds between content chunks. */
  readonly chunkDelayMs?: number;
  /** Streams: milliseconds of silence before the first content chunk (a first-token stall). */
  readonly firstTokenDelayMs?: number;
  /** Streams: after this many content chunks the stream ends with an exception event (a mid-stream failure). */
  readonly failAfterChunks?: number;
  /** Streams: the exception event of a mid-stream failure (default modelStreamErrorException; SageMaker ModelStreamError). */
  readonly streamErrorType?: string;
}

/** What a simulated model is asked: the text of its system blocks and of the last user message. */
export interface SimPrompt {
  readonly system: string;
  readonly text: string;
}

export interface SimCall {
  readonly target: string;
  readonly region: string;
  readonly at: number;
  readonly status: number;
  readonly errorType?: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The parsed request body (Bedrock Converse), for tests that check what reached the model. */
  readonly body?: unknown;
}

/** The Region a SigV4-signed request was signed for (Credential=AKID/date/<region>/service/aws4_request). */
export function signedRegion(req: IncomingMessage): string {
  const auth = req.headers.authorization ?? '';
  return /Credential=[^/]+\/\d+\/([^/]+)\//.exec(auth)?.[1] ?? 'unknown';
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** An HTTP server on 127.0.0.1 (a free port unless one is given): listen, url, close. */
export abstract class LoopbackServer {
  private server?: Server;

  protected abstract serve(req: IncomingMessage, res: ServerResponse): void;

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => this.serve(req, res));
    server.keepAliveTimeout = 60_000;
    this.server = server;
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null | undefined;
    if (!a) throw new Error(`the ${this.constructor.name} simulator is not listening`);
    return `http://127.0.0.1:${a.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }
}

/** A loopback HTTP server with per-target behaviours and a record of every call. */
export abstract class HttpSim extends LoopbackServer {
  readonly calls: SimCall[] = [];
  private readonly behaviours = new Map<string, Behaviour>();
  private readonly counts = new Map<string, number>();
  private random: () => number = Math.random;

  /** Sets the behaviour of a target, in one Region or (no region) in every Region. */
  set(target: string, behaviour: Behaviour, region?: string): this {
    this.behaviours.set(`${target}@${region ?? '*'}`, behaviour);
    return this;
  }

  /** Clears every behaviour and the call record. */
  reset(): void {
    this.behaviours.clear();
    this.counts.clear();
    this.calls.length = 0;
  }

  /** Replaces Math.random (deterministic benchmarks). */
  setRandom(random: () => number): void {
    this.random = random;
  }

  behaviourOf(target: string, region: string): Behaviour {
    return (
      this.behaviours.get(`${target}@${region}`) ??
      this.behaviours.get(`${target}@*`) ??
      this.behaviours.get(`*@${region}`) ??
      this.behaviours.get('*@*') ??
      {}
    );
  }

  /** Decides whether this call fails; returns the error type or undefined. */
  protected draw(target: string, region: string, b: Behaviour): string | undefined {
    const key = `${target}@${region}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    const fails = n <= (b.failFirst ?? 0) || (b.failRate !== undefined && b.failRate > 0 && this.random() < b.failRate);
    return fails ? (b.errorType ?? this.defaultError) : undefined;
  }

  protected abstract readonly defaultError: string;
  protected abstract readonly errorStatus: Readonly<Record<string, number>>;
  protected abstract readonly errorNamespace: string;
  protected abstract handle(req: IncomingMessage, res: ServerResponse, body: string): Promise<void>;

  protected record(call: SimCall): void {
    this.calls.push(call);
  }

  /** An error as the service sends it: status code, x-amzn-ErrorType header, JSON {message}. */
  protected sendError(res: ServerResponse, type: string, message: string): number {
    const status = this.errorStatus[type] ?? 400;
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:${this.errorNamespace}`,
      'x-amzn-requestid': `sim-${Date.now()}`,
    });
    res.end(JSON.stringify({ message }));
    return status;
  }

  protected sendJson(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `sim-${Date.now()}` });
    res.end(JSON.stringify(body));
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req)
      .then((body) => this.handle(req, res, body))
      .catch((err: unknown) => {
        if (!res.headersSent) this.sendError(res, 'InternalServerException', String(err));
      });
  }
}

export const delay = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms).unref()) : Promise.resolve();
