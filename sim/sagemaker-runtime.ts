import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpSim, delay, signedRegion } from './http-sim';

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
 * sends (`{inputs, parameters, adapters?}` → `{generated_text}`). Behaviours key on the endpoint
 * name, or on `<endpoint>/<adapter>` for one LoRA adapter; `adapters` records each call's adapter.
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
    const m = /^\/endpoints\/([^/]+)\/invocations$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m) {
      this.sendError(res, 'ValidationError', `unknown operation ${req.method ?? ''} ${req.url ?? ''}`);
      return;
    }
    const endpoint = decodeURIComponent(m[1]);
    let body: { inputs?: unknown; adapters?: unknown };
    try {
      body = JSON.parse(raw) as { inputs?: unknown; adapters?: unknown };
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
    if (typeof body.inputs !== 'string') {
      this.record({ target: endpoint, region, at, status: 400, errorType: 'ValidationError', headers: req.headers });
      this.sendError(res, 'ValidationError', 'expected {"inputs": "...", "parameters": {...}}');
      return;
    }
    if (failure !== undefined) {
      const status = this.sendError(res, failure, b.errorMessage ?? `${failure} (simulated)`);
      this.record({ target: endpoint, region, at, status, errorType: failure, headers: req.headers });
      return;
    }
    this.record({ target: endpoint, region, at, status: 200, headers: req.headers });
    if (b.rawBody !== undefined) {
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `sim-${Date.now()}` });
      res.end(b.rawBody);
      return;
    }
    this.sendJson(res, {
      generated_text: b.answer ?? `Simulated answer from ${endpoint}${adapter ? ` (${adapter})` : ''} in ${region}.`,
    });
  }
}
