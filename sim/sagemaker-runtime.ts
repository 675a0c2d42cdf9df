import type { IncomingMessage, ServerResponse } from 'node:http';
import { chunksOf, eventStreamMessage } from './bedrock-stream';
import { HttpSim, delay, signedRegion, type Behaviour } from './http-sim';

export const SAGEMAKER_ERROR_STATUS: Readonly<Record<string, number>> = {
  ModelError: 424,
  ModelNotReadyException: 429,
  ServiceUnavailable: 503,
  InternalFailure: 500,
  InternalDependencyException: 530,
  ValidationError: 400,
};

/**
 * A local SageMaker Runtime: `POST /endpoints/{name}/invocations`, speaking the LMI JSON the router
 * sends (`{inputs, parameters, adapters?}` → `{generated_text}`), and
 * `POST /endpoints/{name}/invocations-response-stream` (InvokeEndpointWithResponseStream, the body
 * with `"stream": true`), answering LMI's JSON lines in PayloadPart events of the event-stream
 * encoding (writeLmiStream). Behaviours key on the endpoint name, or on `<endpoint>/<adapter>` for
 * one LoRA adapter; `adapters` records each call's adapter.
 */
export class SageMakerRuntimeSim extends HttpSim {
  protected readonly defaultError = 'ServiceUnavailable';
  protected readonly errorStatus = SAGEMAKER_ERROR_STATUS;
  protected readonly errorNamespace = 'http://internal.amazon.com/coral/com.amazon.sagemaker/';
  /** The adapter each call asked for (undefined: the base model), in call order. */
  readonly adapters: (string | undefined)[] = [];

  override reset(): void {
    super.reset();
    this.adapters.length = 0;
  }

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const m = /^\/endpoints\/([^/]+)\/invocations(-response-stream)?$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m) {
      this.sendError(res, 'ValidationError', `unknown operation ${req.method ?? ''} ${req.url ?? ''}`);
      return;
    }
    const endpoint = decodeURIComponent(m[1]);
    let body: { inputs?: unknown; adapters?: unknown; stream?: unknown };
    try {
      body = JSON.parse(raw) as { inputs?: unknown; adapters?: unknown; stream?: unknown };
    } catch {
      body = {};
    }
    const adapter = typeof body.adapters === 'string' ? body.adapters : undefined;
    this.adapters.push(adapter);
    const region = signedRegion(req);
    const target = adapter ? `${endpoint}/${adapter}` : endpoint;
    const specific = this.behaviourOf(target, region);
    const b = Object.keys(specific).length > 0 ? specific : this.behaviourOf(endpoint, region);
    const at = Date.now();
    const failure = this.draw(endpoint, region, b);
    await delay(b.delayMs ?? 0);
    if (res.destroyed) return;
    // LMI streams only when the body asks (`"stream": true`); a streaming call without it is a mistake.
    if (typeof body.inputs !== 'string' || (m[2] !== undefined && body.stream !== true)) {
      this.record({ target: endpoint, region, at, status: 400, errorType: 'ValidationError', headers: req.headers });
      this.sendError(
        res,
        'ValidationError',
        `expected {"inputs": "...", "parameters": {...}${m[2] !== undefined ? ', "stream": true' : ''}}`,
      );
      return;
    }
    if (failure !== undefined) {
      const status = this.sendError(res, failure, b.errorMessage ?? `${failure} (simulated)`);
      this.record({ target: endpoint, region, at, status, errorType: failure, headers: req.headers });
      return;
    }
    this.record({ target: endpoint, region, at, status: 200, headers: req.headers });
    const text = b.answer ?? `Simulated answer from ${endpoint}${adapter ? ` (${adapter})` : ''} in ${region}.`;
    if (m[2] !== undefined) {
      await writeLmiStream(res, text, b);
      return;
    }
    if (b.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `sim-${Date.now()}` });
      res.end(b.rawBody);
      return;
    }
    this.sendJson(res, { generated_text: text });
  }
}

/** One PayloadPart event: its Bytes member is the event payload, raw. */
function payloadPart(bytes: Uint8Array): Buffer {
  return eventStreamMessage(
    { ':event-type': 'PayloadPart', ':content-type': 'application/octet-stream', ':message-type': 'event' },
    bytes,
  );
}

/**
 * An InvokeEndpointWithResponseStream answer as an LMI container streams it: JSON lines, one per
 * token (`{"token": {"id", "text", "log_prob", "special"}, "generated_text": null, "details": null}`),
 * the last with the whole `generated_text` and `details.finish_reason`; SageMaker cuts the bytes into
 * PayloadParts wherever it likes, so each line here is split across two parts (a reader must join
 * them). With the behaviour's first-token stall, per-chunk delay and mid-stream ModelStreamError.
 * https://docs.djl.ai/docs/serving/serving/docs/lmi/user_guides/lmi_input_output_schema.html
 * https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_runtime_InvokeEndpointWithResponseStream.html
 */
async function writeLmiStream(res: ServerResponse, text: string, b: Behaviour): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-sagemaker-content-type': 'application/jsonlines',
    'x-amzn-invoked-production-variant': 'AllTraffic',
    'x-amzn-requestid': `sim-${Date.now()}`,
  });
  await delay(b.firstTokenDelayMs ?? 0);
  const tokens = chunksOf(text);
  for (const [i, token] of tokens.entries()) {
    if (res.destroyed) return;
    if (b.failAfterChunks !== undefined && i >= b.failAfterChunks) {
      res.end(
        eventStreamMessage(
          {
            ':exception-type': b.streamErrorType ?? 'ModelStreamError',
            ':content-type': 'application/json',
            ':message-type': 'exception',
          },
          Buffer.from(JSON.stringify({ Message: 'the model stream failed (simulated)', ErrorCode: 'ModelError' })),
        ),
      );
      return;
    }
    if (i > 0) await delay(b.chunkDelayMs ?? 0);
    const last = i === tokens.length - 1;
    const line = Buffer.from(
      `${JSON.stringify({
        token: { id: 1000 + i, text: token, log_prob: -0.1, special: false },
        generated_text: last ? text : null,
        details: last
          ? { finish_reason: b.stopReason === 'max_tokens' ? 'length' : 'eos_token', generated_tokens: tokens.length }
          : null,
      })}\n`,
      'utf8',
    );
    const cut = Math.floor(line.length / 2);
    res.write(payloadPart(line.subarray(0, cut)));
    res.write(payloadPart(line.subarray(cut)));
  }
  res.end();
}
