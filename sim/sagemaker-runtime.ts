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
 * A local SageMaker Runtime: `POST /endpoints/{name}/invocations`, the inference component in
 * `X-Amzn-SageMaker-Inference-Component`. Speaks the LMI JSON the router sends
 * (`{inputs, parameters}` → `{generated_text}`). Behaviours key on the endpoint name, or on
 * `<endpoint>/<inference component>` for one adapter.
 */
export class SageMakerRuntimeSim extends HttpSim {
  protected readonly defaultError = 'ServiceUnavailable';
  protected readonly errorStatus = SAGEMAKER_ERROR_STATUS;
  protected readonly errorNamespace = 'http://internal.amazon.com/coral/com.amazon.sagemaker/';

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const m = /^\/endpoints\/([^/]+)\/invocations$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m) {
      this.sendError(res, 'ValidationError', `unknown operation ${req.method ?? ''} ${req.url ?? ''}`);
      return;
    }
    const endpoint = decodeURIComponent(m[1]);
    const component = req.headers['x-amzn-sagemaker-inference-component'];
    const componentName = typeof component === 'string' ? component : undefined;
    const region = signedRegion(req);
    const target = componentName ? `${endpoint}/${componentName}` : endpoint;
    const specific = this.behaviourOf(target, region);
    const b = Object.keys(specific).length > 0 ? specific : this.behaviourOf(endpoint, region);
    const at = Date.now();
    const failure = this.draw(endpoint, region, b);
    await delay(b.delayMs ?? 0);
    if (res.destroyed) return;
    let body: { inputs?: unknown };
    try {
      body = JSON.parse(raw) as { inputs?: unknown };
    } catch {
      body = {};
    }
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
    this.sendJson(res, { generated_text: b.answer ?? `Simulated answer from ${endpoint}${componentName ? ` (${componentName})` : ''} in ${region}.` });
  }
}
