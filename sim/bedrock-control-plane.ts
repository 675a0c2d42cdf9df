import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, readBody, signedRegion } from './http-sim';

/**
 * A foundation model as Bedrock's control plane describes it in one Region (the
 * FoundationModelSummary / FoundationModelDetails shape:
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_FoundationModelSummary.html).
 * Dates are ISO 8601 strings: the SDK's schema marks these timestamps date-time.
 */
export interface SimFoundationModel {
  readonly modelId: string;
  readonly modelName?: string;
  /** As Bedrock spells it: Anthropic, Amazon, Meta, Mistral AI, Cohere. */
  readonly providerName: string;
  readonly inputModalities?: readonly string[];
  readonly outputModalities?: readonly string[];
  readonly responseStreamingSupported?: boolean;
  /** ON_DEMAND, PROVISIONED, INFERENCE_PROFILE. */
  readonly inferenceTypesSupported?: readonly string[];
  readonly customizationsSupported?: readonly string[];
  readonly lifecycle?: {
    readonly status: 'ACTIVE' | 'LEGACY';
    readonly startOfLifeTime?: string;
    readonly legacyTime?: string;
    readonly publicExtendedAccessTime?: string;
    readonly endOfLifeTime?: string;
  };
}

/** A system-defined cross-Region inference profile as seen from one source Region. */
export interface SimInferenceProfile {
  /** `<geography>.<modelId>`, e.g. us.anthropic.claude-3-haiku-20240307-v1:0. */
  readonly inferenceProfileId: string;
  readonly modelId: string;
  /** The Regions it routes to: GetInferenceProfile lists the foundation model in each. */
  readonly destinationRegions: readonly string[];
  readonly inferenceProfileName?: string;
  readonly status?: 'ACTIVE';
  readonly type?: 'SYSTEM_DEFINED' | 'APPLICATION';
}

/** What one Region offers: its foundation models and the inference profiles callable from it. */
export interface SimRegion {
  readonly models: readonly SimFoundationModel[];
  readonly profiles?: readonly SimInferenceProfile[];
}

export interface ControlPlaneCall {
  readonly region: string;
  readonly method: string;
  /** The URL path, decoded: /inference-profiles/us.anthropic.claude-3-haiku-20240307-v1:0. */
  readonly path: string;
  readonly status: number;
}

const ACCOUNT = '123456789012';
const CREATED = '2024-08-27T00:00:00Z';
const NAMESPACE = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

/**
 * A local Amazon Bedrock control plane (service `bedrock`, restJson1), speaking the wire shapes of
 * the read-only model catalogue operations the real `@aws-sdk/client-bedrock` sends:
 * - `GET /foundation-models` (ListFoundationModels; `byProvider`, `byInferenceType`,
 *   `byOutputModality` filters) → `{modelSummaries:[…]}`;
 * - `GET /foundation-models/{modelIdentifier}` (GetFoundationModel) → `{modelDetails}`;
 * - `GET /inference-profiles` (ListInferenceProfiles; `type`, `maxResults`, `nextToken`) →
 *   `{inferenceProfileSummaries:[…], nextToken}`;
 * - `GET /inference-profiles/{inferenceProfileIdentifier}` (GetInferenceProfile).
 * The Region is the one the request was signed for; each Region has its own offer, set with
 * `region()`. Unknown ids answer 404 ResourceNotFoundException with `x-amzn-ErrorType`, as Bedrock
 * does (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetFoundationModel.html#API_GetFoundationModel_Errors).
 */
export class BedrockControlPlaneSim extends LoopbackServer {
  readonly calls: ControlPlaneCall[] = [];
  private readonly regions = new Map<string, SimRegion>();
  /** Answer every request of these Regions with this error (an outage, or a role without access). */
  private readonly failures = new Map<string, { type: string; status: number }>();

  /** Sets what a Region offers (replacing what it offered). */
  region(name: string, offer: SimRegion): this {
    this.regions.set(name, offer);
    return this;
  }

  /** Makes every call signed for a Region fail, e.g. AccessDeniedException 403. */
  fail(region: string, type: string, status: number): this {
    this.failures.set(region, { type, status });
    return this;
  }

  reset(): void {
    this.regions.clear();
    this.failures.clear();
    this.calls.length = 0;
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req)
      .then(() => this.handle(req, res))
      .catch((err: unknown) => {
        if (!res.headersSent) this.error(res, 'InternalServerException', 500, String(err));
      });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const region = signedRegion(req);
    const method = req.method ?? 'GET';
    const path = decodeURIComponent(url.pathname);
    const record = (status: number) => this.calls.push({ region, method, path, status });
    const failure = this.failures.get(region);
    if (failure) {
      record(failure.status);
      this.error(res, failure.type, failure.status, `${failure.type} (simulated) in ${region}`);
      return;
    }
    const offer = this.regions.get(region) ?? { models: [] };
    const send = (body: unknown) => {
      record(200);
      this.json(res, body);
    };
    const notFound = (what: string) => {
      record(404);
      this.error(res, 'ResourceNotFoundException', 404, `${what} not found in ${region}`);
    };
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (method !== 'GET') {
      record(404);
      this.error(res, 'UnknownOperationException', 404, `unknown operation ${method} ${url.pathname}`);
      return;
    }
    if (segments[0] === 'foundation-models' && segments.length === 1) {
      const q = url.searchParams;
      const models = offer.models.filter(
        (m) =>
          (!q.has('byProvider') || (m.providerName ?? '').toLowerCase() === q.get('byProvider')?.toLowerCase()) &&
          (!q.has('byInferenceType') || (m.inferenceTypesSupported ?? []).includes(q.get('byInferenceType') ?? '')) &&
          (!q.has('byOutputModality') || (m.outputModalities ?? []).includes(q.get('byOutputModality') ?? '')),
      );
      send({ modelSummaries: models.map((m) => modelShape(m, region)) });
      return;
    }
    if (segments[0] === 'foundation-models' && segments.length === 2) {
      const id = segments[1];
      const m = offer.models.find((x) => x.modelId === id || modelArn(region, x.modelId) === id);
      if (m) send({ modelDetails: modelShape(m, region) });
      else notFound(`model ${id}`);
      return;
    }
    const profiles = offer.profiles ?? [];
    if (segments[0] === 'inference-profiles' && segments.length === 1) {
      const type = url.searchParams.get('type') ?? undefined;
      const matching = profiles.filter((p) => type === undefined || (p.type ?? 'SYSTEM_DEFINED') === type);
      const max = Number(url.searchParams.get('maxResults') ?? '1000');
      const start = Number(url.searchParams.get('nextToken') ?? '0');
      const page = matching.slice(start, start + max);
      const next = start + max < matching.length ? { nextToken: String(start + max) } : {};
      send({ inferenceProfileSummaries: page.map((p) => profileShape(p, region)), ...next });
      return;
    }
    if (segments[0] === 'inference-profiles' && segments.length === 2) {
      const id = segments[1];
      const p = profiles.find((x) => x.inferenceProfileId === id || profileArn(region, x.inferenceProfileId) === id);
      if (p) send(profileShape(p, region));
      else notFound(`inference profile ${id}`);
      return;
    }
    record(404);
    this.error(res, 'UnknownOperationException', 404, `unknown operation ${method} ${url.pathname}`);
  }

  private json(res: ServerResponse, body: unknown): void {
    res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': `sim-${Date.now()}` });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, type: string, status: number, message: string): void {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-amzn-errortype': `${type}:${NAMESPACE}`,
      'x-amzn-requestid': `sim-${Date.now()}`,
    });
    res.end(JSON.stringify({ message }));
  }
}

const modelArn = (region: string, modelId: string) => `arn:aws:bedrock:${region}::foundation-model/${modelId}`;
const profileArn = (region: string, id: string) => `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${id}`;

function modelShape(m: SimFoundationModel, region: string): Record<string, unknown> {
  return {
    modelArn: modelArn(region, m.modelId),
    modelId: m.modelId,
    modelName: m.modelName ?? m.modelId,
    providerName: m.providerName,
    inputModalities: m.inputModalities ?? ['TEXT'],
    outputModalities: m.outputModalities ?? ['TEXT'],
    responseStreamingSupported: m.responseStreamingSupported ?? true,
    customizationsSupported: m.customizationsSupported ?? [],
    inferenceTypesSupported: m.inferenceTypesSupported ?? ['ON_DEMAND'],
    modelLifecycle: m.lifecycle ?? { status: 'ACTIVE' },
  };
}

function profileShape(p: SimInferenceProfile, region: string): Record<string, unknown> {
  return {
    inferenceProfileName: p.inferenceProfileName ?? p.inferenceProfileId,
    inferenceProfileArn: profileArn(region, p.inferenceProfileId),
    inferenceProfileId: p.inferenceProfileId,
    description: `Routes requests to ${p.modelId} in ${p.destinationRegions.join(', ')}.`,
    models: p.destinationRegions.map((r) => ({ modelArn: modelArn(r, p.modelId) })),
    status: p.status ?? 'ACTIVE',
    type: p.type ?? 'SYSTEM_DEFINED',
    createdAt: CREATED,
    updatedAt: CREATED,
  };
}
