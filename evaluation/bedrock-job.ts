import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import {
  CreateEvaluationJobCommand,
  GetEvaluationJobCommand,
  type BedrockClient,
  type CreateEvaluationJobCommandInput,
} from '@aws-sdk/client-bedrock';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ModelCatalog } from '../schemas/generated/model-catalog';
import type { Example } from './dataset';
import { sleepFor, type CallResult } from './run';
import { bedrockInvokeId } from './targets';

/**
 * Built-in metrics of an automatic evaluation job (https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-metrics.html):
 * with no judge model the algorithmic ones; with a judge model the judge's.
 */
export const DEFAULT_JOB_METRICS = ['Builtin.Accuracy'] as const;
export const DEFAULT_JUDGE_JOB_METRICS = ['Builtin.Correctness', 'Builtin.Completeness'] as const;

/** Where a job's files go and which role Bedrock runs it with. */
export interface JobSettings {
  /** s3://bucket/prefix: the dataset is written under input/, Bedrock writes its output under output/. */
  readonly bucketUri: string;
  /** The evaluation service role Bedrock assumes (trusts bedrock.amazonaws.com; reads and writes the bucket; invokes the models). */
  readonly roleArn: string;
  readonly metrics?: readonly string[];
  /** A catalog model as the job's judge (a model-as-judge job). */
  readonly judge?: string;
  /**
   * Bring your own responses: the answers of one model from an earlier run (example id → answer);
   * Bedrock then scores them without invoking the model. One model per job.
   */
  readonly responses?: { readonly model: string; readonly answers: ReadonlyMap<string, string> };
}

/** What a started job is: enough to resume polling it from another process. */
export interface JobState {
  readonly jobArn: string;
  readonly jobName: string;
  readonly inputUri: string;
  readonly outputUri: string;
  /** Bedrock model identifier → catalog model id. */
  readonly models: Readonly<Record<string, string>>;
  /** The dataset line of each example, in order: the output is matched back by it. */
  readonly examples: readonly { readonly id: string; readonly prompt: string; readonly referenceResponse?: string }[];
  readonly metrics: readonly string[];
}

/** The job ended in failure (its failure messages), or was stopped. */
export class EvaluationJobFailedError extends Error {
  override readonly name = 'EvaluationJobFailedError';
  constructor(
    readonly jobArn: string,
    readonly status: string,
    readonly failureMessages: readonly string[],
  ) {
    super(`evaluation job ${jobArn} ${status.toLowerCase()}: ${failureMessages.join('; ') || 'no reason given'}`);
  }
}

/** Bad settings (a bucket that is not s3://, an example the job format cannot carry). */
export class JobSettingsError extends Error {
  override readonly name = 'JobSettingsError';
}

function s3Parts(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(uri);
  if (!m)
    throw new JobSettingsError(
      `--job-bucket must be an s3:// URI such as s3://my-bucket/evaluations, but "${uri}" was given`,
    );
  return { bucket: m[1], key: (m[2] ?? '').replace(/\/+$/, '') };
}
const join = (...parts: string[]) => parts.filter((p) => p !== '').join('/');

/**
 * An example as one line of the job's prompt dataset: `prompt` (the system text and the turns,
 * labelled, when there is more than one user turn or a system text) and `referenceResponse` (the
 * expected answer as text; arrays joined by ", "). Job metrics compare with the reference, so an
 * example without one is refused.
 */
export function jobRecord(example: Example): { prompt: string; referenceResponse: string } {
  if (example.expected === undefined)
    throw new JobSettingsError(
      `example "${example.id}" (line ${example.line}) has no "expected": a Bedrock evaluation job scores against a reference response`,
    );
  const single = example.messages.length === 1 && example.system === undefined;
  const prompt = single
    ? example.messages[0].text
    : [
        ...(example.system ? [`System: ${example.system}`] : []),
        ...example.messages.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.text}`),
      ].join('\n\n');
  const e = example.expected;
  return { prompt, referenceResponse: Array.isArray(e) ? e.join(', ') : String(e) };
}

export interface JobRunOptions {
  readonly catalog: ModelCatalog;
  readonly region: string;
  readonly bedrock: BedrockClient;
  readonly s3: S3Client;
  /** Where the job's state is kept between runs: a rerun with the file present resumes. */
  readonly stateFile: string;
  readonly pollIntervalMs?: number;
  readonly signal?: AbortSignal;
  /** Each poll: the job's status and seconds since this run started polling. */
  readonly onPoll?: (status: string, seconds: number) => void;
}

/** Starts a job (uploading the dataset) unless the state file says one is running; returns its state. */
export async function startJob(
  examples: readonly Example[],
  models: readonly string[],
  settings: JobSettings,
  options: JobRunOptions,
  now = new Date(),
): Promise<{ state: JobState; resumed: boolean }> {
  if (existsSync(options.stateFile))
    return { state: JSON.parse(readFileSync(options.stateFile, 'utf8')) as JobState, resumed: true };
  const { bucket, key } = s3Parts(settings.bucketUri);
  const lines = examples.map((e) => ({ id: e.id, ...jobRecord(e) }));
  const own = settings.responses;
  if (own) {
    if (models.length !== 1 || models[0] !== own.model)
      throw new JobSettingsError(
        `responses from an earlier run are scored one model per job: give --models ${own.model} alone`,
      );
    const missing = examples.filter((e) => !own.answers.has(e.id)).map((e) => e.id);
    if (missing.length > 0)
      throw new JobSettingsError(`the earlier run has no answer of ${own.model} for ${missing.join(', ')}`);
  }
  // Bring-your-own sources are named by a label (the catalog id); Bedrock models by the id the router calls.
  const identifiers = Object.fromEntries(
    models.map((m) => [own ? m : bedrockInvokeId(options.catalog, m, options.region), m]),
  );
  const jobName = `fm-eval-${now
    .toISOString()
    .replace(/[-:T.Z]/g, '')
    .slice(0, 14)}`;
  const inputKey = join(key, 'input', `${jobName}.jsonl`);
  const outputUri = `s3://${join(bucket, key, 'output')}/`;
  const metrics = [...(settings.metrics ?? (settings.judge ? DEFAULT_JUDGE_JOB_METRICS : DEFAULT_JOB_METRICS))];
  await options.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: inputKey,
      Body: `${lines
        .map(({ id, prompt, referenceResponse }) =>
          JSON.stringify({
            prompt,
            referenceResponse,
            ...(own ? { modelResponses: [{ response: own.answers.get(id), modelIdentifier: own.model }] } : {}),
          }),
        )
        .join('\n')}\n`,
      ContentType: 'application/jsonl',
    }),
  );
  const input: CreateEvaluationJobCommandInput = {
    jobName,
    roleArn: settings.roleArn,
    evaluationConfig: {
      automated: {
        datasetMetricConfigs: [
          {
            taskType: 'Generation',
            dataset: { name: jobName, datasetLocation: { s3Uri: `s3://${bucket}/${inputKey}` } },
            metricNames: metrics,
          },
        ],
        ...(settings.judge
          ? {
              evaluatorModelConfig: {
                bedrockEvaluatorModels: [
                  { modelIdentifier: bedrockInvokeId(options.catalog, settings.judge, options.region) },
                ],
              },
            }
          : {}),
      },
    },
    inferenceConfig: {
      models: Object.keys(identifiers).map((id) =>
        own
          ? { precomputedInferenceSource: { inferenceSourceIdentifier: id } }
          : { bedrockModel: { modelIdentifier: id } },
      ),
    },
    outputDataConfig: { s3Uri: outputUri },
  };
  const created = await options.bedrock.send(new CreateEvaluationJobCommand(input));
  const state: JobState = {
    jobArn: created.jobArn ?? '',
    jobName,
    inputUri: `s3://${bucket}/${inputKey}`,
    outputUri,
    models: identifiers,
    examples: lines,
    metrics,
  };
  writeFileSync(`${options.stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${options.stateFile}.tmp`, options.stateFile);
  return { state, resumed: false };
}

/**
 * Polls GetEvaluationJob until the job completes (then reads its output), fails or is stopped
 * (EvaluationJobFailedError), or the signal aborts (undefined: the state file stays, to resume).
 */
export async function awaitJob(state: JobState, options: JobRunOptions): Promise<CallResult[] | undefined> {
  const started = Date.now();
  for (;;) {
    if (options.signal?.aborted) return undefined;
    const job = await options.bedrock.send(new GetEvaluationJobCommand({ jobIdentifier: state.jobArn }));
    const status = job.status ?? 'InProgress';
    options.onPoll?.(status, Math.round((Date.now() - started) / 1000));
    if (status === 'Completed') {
      const results = await readJobOutput(state, options);
      rmSync(options.stateFile, { force: true });
      return results;
    }
    if (status === 'Failed' || status === 'Stopped' || status === 'Deleting') {
      rmSync(options.stateFile, { force: true });
      throw new EvaluationJobFailedError(state.jobArn, status, job.failureMessages ?? []);
    }
    await sleepFor(options.pollIntervalMs ?? 30_000, options.signal);
  }
}

interface OutputLine {
  automatedEvaluationResult?: { scores?: { metricName?: string; result?: number }[] };
  inputRecord?: { prompt?: string; referenceResponse?: string };
  modelResponses?: { response?: string; modelIdentifier?: string }[];
}

/**
 * The job's output (…/<job-name>/<job-uuid>/models/<model>/taskTypes/<task>/datasets/<dataset>/<uuid>_output.jsonl,
 * https://docs.aws.amazon.com/bedrock/latest/userguide/model-evaluation-report-s3.html) as the
 * same per-call results a local run gives: the first metric is the score (0..1), every metric in
 * the detail. Jobs report no latency or token usage, so those stay unmeasured.
 */
export async function readJobOutput(state: JobState, options: JobRunOptions): Promise<CallResult[]> {
  const { bucket, key } = s3Parts(state.outputUri);
  const prefix = join(key, state.jobName) + '/';
  const listed = await options.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  const keys = (listed.Contents ?? []).flatMap((c) => (c.Key?.endsWith('_output.jsonl') ? [c.Key] : []));
  const results: CallResult[] = [];
  for (const k of keys.sort()) {
    const got = await options.s3.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
    const text = (await got.Body?.transformToString('utf8')) ?? '';
    const unmatched = [...state.examples];
    for (const raw of text.split('\n').filter((l) => l.trim() !== '')) {
      const line = JSON.parse(raw) as OutputLine;
      const reply = line.modelResponses?.[0];
      const model = state.models[reply?.modelIdentifier ?? ''] ?? reply?.modelIdentifier ?? 'unknown';
      const at = unmatched.findIndex(
        (e) => e.prompt === line.inputRecord?.prompt && e.referenceResponse === line.inputRecord?.referenceResponse,
      );
      const example = at >= 0 ? unmatched.splice(at, 1)[0] : undefined;
      const scores = line.automatedEvaluationResult?.scores ?? [];
      const first = scores.find((s) => s.metricName === state.metrics[0]) ?? scores[0];
      const score = Math.min(1, Math.max(0, first?.result ?? 0));
      results.push({
        exampleId: example?.id ?? `line-${results.length + 1}`,
        requested: model,
        model,
        ok: reply?.response !== undefined,
        score,
        detail: scores.map((s) => `${s.metricName ?? '?'} ${(s.result ?? 0).toFixed(2)}`).join(', ') || 'no scores',
        ...(reply?.response !== undefined ? { answer: reply.response } : {}),
        attempts: 1,
      });
    }
  }
  const order = new Map(state.examples.map((e, i) => [e.id, i]));
  const modelOrder = Object.values(state.models);
  return results.sort(
    (a, b) =>
      modelOrder.indexOf(a.model) - modelOrder.indexOf(b.model) ||
      (order.get(a.exampleId) ?? 0) - (order.get(b.exampleId) ?? 0),
  );
}
