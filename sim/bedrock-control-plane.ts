import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoopbackServer, readBody, signedRegion } from './http-sim';
import type { S3Sim } from './s3';

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

/** How simulated evaluation jobs run: they read their dataset from, and write their output to, an S3 simulator. */
export interface SimEvaluationJobs {
  readonly s3: S3Sim;
  /** GetEvaluationJob answers InProgress this many times before the job ends. Default 2. */
  readonly pollsUntilDone?: number;
  /** How the job ends. Default completed. */
  readonly outcome?: 'completed' | { readonly failed: string };
  /** The response a Bedrock model gives a prompt (default: the reference response). */
  readonly respond?: (modelIdentifier: string, record: JobRecord) => string;
}

/** One line of an evaluation job's prompt dataset (https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-prompt-datasets-judge.html). */
export interface JobRecord {
  readonly prompt: string;
  readonly referenceResponse?: string;
  readonly category?: string;
  readonly modelResponses?: readonly { readonly response: string; readonly modelIdentifier: string }[];
}

interface SimJob {
  readonly arn: string;
  readonly uuid: string;
  readonly request: CreateJobBody;
  readonly region: string;
  polls: number;
  status: 'InProgress' | 'Completed' | 'Failed';
  failureMessages?: string[];
}

interface CreateJobBody {
  jobName?: string;
  roleArn?: string;
  evaluationConfig?: {
    automated?: {
      datasetMetricConfigs?: {
        taskType?: string;
        dataset?: { name?: string; datasetLocation?: { s3Uri?: string } };
        metricNames?: string[];
      }[];
      evaluatorModelConfig?: { bedrockEvaluatorModels?: { modelIdentifier?: string }[] };
    };
  };
  inferenceConfig?: {
    models?: {
      bedrockModel?: { modelIdentifier?: string };
      precomputedInferenceSource?: { inferenceSourceIdentifier?: string };
    }[];
  };
  outputDataConfig?: { s3Uri?: string };
}

const s3Parts = (uri: string): { bucket: string; key: string } | undefined => {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  return m ? { bucket: m[1], key: m[2] } : undefined;
};
const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
/** Share of the reference's words the response has: the simulator's stand-in for a built-in metric. */
const overlap = (response: string, reference: string | undefined): number => {
  const want = words(reference ?? '');
  if (want.length === 0) return 0;
  const have = new Set(words(response));
  return want.filter((w) => have.has(w)).length / want.length;
};

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
  private jobsConfig?: SimEvaluationJobs;
  readonly jobs = new Map<string, SimJob>();

  /** Turns on CreateEvaluationJob and GetEvaluationJob, backed by an S3 simulator. */
  evaluationJobs(config: SimEvaluationJobs): this {
    this.jobsConfig = config;
    return this;
  }

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
    this.jobs.clear();
    this.jobsConfig = undefined;
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req)
      .then((body) => this.handle(req, res, body))
      .catch((err: unknown) => {
        if (!res.headersSent) this.error(res, 'InternalServerException', 500, String(err));
      });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
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
    if (segments[0] === 'evaluation-jobs') {
      const jobs = this.jobsConfig;
      if (!jobs) {
        record(404);
        this.error(res, 'UnknownOperationException', 404, 'evaluation jobs are not simulated here');
        return;
      }
      if (method === 'POST' && segments.length === 1) {
        const result = this.createJob(jobs, JSON.parse(body || '{}') as CreateJobBody, region);
        if ('error' in result) {
          record(result.status);
          this.error(res, result.error, result.status, result.message);
          return;
        }
        record(202);
        res.writeHead(202, { 'content-type': 'application/json', 'x-amzn-requestid': `sim-${Date.now()}` });
        res.end(JSON.stringify({ jobArn: result.arn }));
        return;
      }
      if (method === 'GET' && segments.length === 2) {
        const job =
          this.jobs.get(segments[1]) ?? [...this.jobs.values()].find((j) => j.arn.endsWith(`/${segments[1]}`));
        if (!job) {
          notFound(`evaluation job ${segments[1]}`);
          return;
        }
        this.advance(jobs, job);
        send({
          jobName: job.request.jobName,
          status: job.status,
          jobArn: job.arn,
          roleArn: job.request.roleArn,
          jobType: 'Automated',
          applicationType: 'ModelEvaluation',
          evaluationConfig: job.request.evaluationConfig,
          inferenceConfig: job.request.inferenceConfig,
          outputDataConfig: job.request.outputDataConfig,
          creationTime: CREATED,
          lastModifiedTime: CREATED,
          ...(job.failureMessages ? { failureMessages: job.failureMessages } : {}),
        });
        return;
      }
    }
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

  private createJob(
    jobs: SimEvaluationJobs,
    request: CreateJobBody,
    region: string,
  ): SimJob | { error: string; status: number; message: string } {
    const invalid = (message: string) => ({ error: 'ValidationException', status: 400, message });
    if (!request.jobName || !request.roleArn) return invalid('jobName and roleArn are required');
    if ([...this.jobs.values()].some((j) => j.request.jobName === request.jobName))
      return { error: 'ConflictException', status: 409, message: `a job named ${request.jobName} exists` };
    const config = request.evaluationConfig?.automated?.datasetMetricConfigs?.[0];
    const input = s3Parts(config?.dataset?.datasetLocation?.s3Uri ?? '');
    if (!input || !jobs.s3.get(input.bucket, input.key))
      return invalid(`the dataset ${config?.dataset?.datasetLocation?.s3Uri ?? '(none)'} cannot be read`);
    if (!s3Parts(request.outputDataConfig?.s3Uri ?? '')) return invalid('outputDataConfig.s3Uri must be an s3:// URI');
    const uuid = randomUUID().slice(0, 12);
    const job: SimJob = {
      arn: `arn:aws:bedrock:${region}:${ACCOUNT}:evaluation-job/${uuid}`,
      uuid,
      request,
      region,
      polls: 0,
      status: 'InProgress',
    };
    this.jobs.set(job.arn, job);
    return job;
  }

  /** One poll of a job: after `pollsUntilDone` polls it ends, writing its output like Bedrock does. */
  private advance(jobs: SimEvaluationJobs, job: SimJob): void {
    if (job.status !== 'InProgress') return;
    job.polls++;
    if (job.polls <= (jobs.pollsUntilDone ?? 2)) return;
    const outcome = jobs.outcome ?? 'completed';
    if (outcome !== 'completed') {
      job.status = 'Failed';
      job.failureMessages = [outcome.failed];
      return;
    }
    const r = job.request;
    const config = r.evaluationConfig!.automated!.datasetMetricConfigs![0];
    const input = s3Parts(config.dataset!.datasetLocation!.s3Uri!)!;
    const records = jobs.s3
      .get(input.bucket, input.key)!
      .toString('utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as JobRecord);
    const out = s3Parts(r.outputDataConfig!.s3Uri!)!;
    const base = `${out.key.replace(/\/?$/, out.key === '' ? '' : '/')}${r.jobName}/${job.uuid}`;
    for (const m of r.inferenceConfig?.models ?? []) {
      const id = m.bedrockModel?.modelIdentifier ?? m.precomputedInferenceSource?.inferenceSourceIdentifier ?? '';
      const lines = records.map((record) => {
        const response =
          m.precomputedInferenceSource !== undefined
            ? (record.modelResponses?.find((x) => x.modelIdentifier === id)?.response ?? '')
            : (jobs.respond?.(id, record) ?? record.referenceResponse ?? '');
        const score = overlap(response, record.referenceResponse);
        return JSON.stringify({
          automatedEvaluationResult: {
            scores: (config.metricNames ?? []).map((metricName) => ({ metricName, result: Number(score.toFixed(4)) })),
          },
          inputRecord: record,
          modelResponses: [{ response, modelIdentifier: id }],
        });
      });
      jobs.s3.put(
        out.bucket,
        `${base}/models/${id}/taskTypes/${config.taskType ?? 'General'}/datasets/${config.dataset?.name ?? 'dataset'}/${randomUUID().slice(0, 8)}_output.jsonl`,
        `${lines.join('\n')}\n`,
      );
    }
    job.status = 'Completed';
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
