import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BedrockClient } from '@aws-sdk/client-bedrock';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { loadProject } from '../../catalog';
import { projectRoot } from '../../catalog/paths';
import {
  EvaluationJobFailedError,
  JobSettingsError,
  awaitJob,
  jobRecord,
  startJob,
  type JobRunOptions,
} from '../../evaluation/bedrock-job';
import { parseDataset, readDataset } from '../../evaluation/dataset';
import { summarize } from '../../evaluation/measures';
import { BedrockControlPlaneSim } from '../../sim/bedrock-control-plane';
import { S3Sim } from '../../sim/s3';
import { bedrockClientFor } from '../support/bedrock-offer';
import { tempDir } from '../support/temp-dir';

const catalog = loadProject({ only: ['prod'] }).catalog;
const examples = readDataset(join(projectRoot, 'evaluation/datasets/classification.jsonl')).examples.slice(0, 4);
const ROLE = 'arn:aws:iam::333333333333:role/fm-platform-evaluation-prod';
const bedrockSim = new BedrockControlPlaneSim();
const s3Sim = new S3Sim();
let bedrock: BedrockClient;
let s3: S3Client;

beforeAll(async () => {
  bedrock = bedrockClientFor(await bedrockSim.listen())('us-east-1');
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: await s3Sim.listen(),
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  bedrock.destroy();
  s3.destroy();
  await bedrockSim.close();
  await s3Sim.close();
});
beforeEach(() => {
  bedrockSim.reset();
  s3Sim.reset();
});

/** nova-micro answers with the reference; every other model does not know. */
const respond = (modelIdentifier: string, record: { referenceResponse?: string }) =>
  modelIdentifier === 'us.amazon.nova-micro-v1:0' ? (record.referenceResponse ?? '') : 'I am not sure.';

function options(extra: Partial<JobRunOptions> = {}): JobRunOptions {
  return {
    catalog,
    region: 'us-east-1',
    bedrock,
    s3,
    stateFile: join(tempDir('job-'), 'job.json'),
    pollIntervalMs: 5,
    ...extra,
  };
}
const settings = { bucketUri: 's3://fm-eval-333333333333/evaluations', roleArn: ROLE };
const models = ['nova-micro', 'claude-haiku-4-5'];

describe('a Bedrock evaluation job', () => {
  it('uploads the dataset, creates the job the way the router calls each model, polls it, and reads its output into results', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 2, respond });
    const o = options();
    const { state, resumed } = await startJob(examples, models, settings, o, new Date('2026-12-02T16:20:00Z'));
    expect(resumed).toBe(false);
    expect(state.jobName).toBe('fm-eval-20261202162000');
    expect(state.inputUri).toBe('s3://fm-eval-333333333333/evaluations/input/fm-eval-20261202162000.jsonl');
    const uploaded = s3Sim.get('fm-eval-333333333333', 'evaluations/input/fm-eval-20261202162000.jsonl')!.toString();
    expect(
      uploaded
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(examples.map((e) => jobRecord(e)));
    const job = [...bedrockSim.jobs.values()][0];
    expect(job.request).toMatchObject({
      roleArn: ROLE,
      inferenceConfig: {
        models: [
          { bedrockModel: { modelIdentifier: 'us.amazon.nova-micro-v1:0' } },
          { bedrockModel: { modelIdentifier: 'us.anthropic.claude-haiku-4-5-20251001-v1:0' } },
        ],
      },
      outputDataConfig: { s3Uri: 's3://fm-eval-333333333333/evaluations/output/' },
      evaluationConfig: { automated: { datasetMetricConfigs: [{ metricNames: ['Builtin.Accuracy'] }] } },
    });
    expect(existsSync(o.stateFile)).toBe(true);

    const polls: string[] = [];
    const results = await awaitJob(state, { ...o, onPoll: (status) => polls.push(status) });
    expect(polls).toEqual(['InProgress', 'InProgress', 'Completed']);
    expect(results?.map((r) => [r.model, r.exampleId, r.score])).toEqual([
      ...examples.map((e) => ['nova-micro', e.id, 1]),
      ...examples.map((e) => ['claude-haiku-4-5', e.id, 0]),
    ]);
    expect(results?.[0].detail).toBe('Builtin.Accuracy 1.00');
    expect(existsSync(o.stateFile)).toBe(false);
    // The same summary as a local run, with latency left unmeasured: jobs report none.
    const micro = summarize(results!, catalog).find((s) => s.model === 'nova-micro')!;
    expect(micro).toMatchObject({ examples: 4, answered: 4, quality: 1 });
    expect(micro.latencyP50Ms).toBeUndefined();
  });

  it('names a catalog model as the judge of a model-as-judge job, with the judge metrics', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 0, respond });
    await startJob(examples, ['nova-micro'], { ...settings, judge: 'claude-sonnet-4' }, options());
    expect([...bedrockSim.jobs.values()][0].request.evaluationConfig).toEqual({
      automated: {
        datasetMetricConfigs: [
          expect.objectContaining({ metricNames: ['Builtin.Correctness', 'Builtin.Completeness'] }),
        ],
        evaluatorModelConfig: {
          bedrockEvaluatorModels: [{ modelIdentifier: 'us.anthropic.claude-sonnet-4-20250514-v1:0' }],
        },
      },
    });
  });

  it('scores the answers of an earlier run without invoking the model (bring your own responses)', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 0, respond: () => 'the model must not be invoked' });
    const answers = new Map(examples.map((e, i) => [e.id, i % 2 === 0 ? String(e.expected) : 'no idea']));
    const o = options();
    const { state } = await startJob(
      examples,
      ['nova-lite'],
      { ...settings, responses: { model: 'nova-lite', answers } },
      o,
    );
    expect([...bedrockSim.jobs.values()][0].request.inferenceConfig).toEqual({
      models: [{ precomputedInferenceSource: { inferenceSourceIdentifier: 'nova-lite' } }],
    });
    const first = JSON.parse(
      s3Sim.get('fm-eval-333333333333', state.inputUri.split('/').slice(3).join('/'))!.toString().split('\n')[0],
    ) as unknown;
    expect(first).toEqual({
      ...jobRecord(examples[0]),
      modelResponses: [{ response: String(examples[0].expected), modelIdentifier: 'nova-lite' }],
    });
    const results = await awaitJob(state, o);
    expect(results?.map((r) => [r.model, r.score, r.answer])).toEqual(
      examples.map((e, i) => ['nova-lite', i % 2 === 0 ? 1 : 0, answers.get(e.id)]),
    );
  });

  it('fails bring-your-own responses for more than one model, or an example the earlier run did not answer', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim });
    const answers = new Map([[examples[0].id, 'billing']]);
    const two = await startJob(
      examples,
      models,
      { ...settings, responses: { model: 'nova-micro', answers } },
      options(),
    ).catch((e: unknown) => e);
    expect((two as Error).message).toBe(
      'responses from an earlier run are scored one model per job: give --models nova-micro alone',
    );
    const missing = await startJob(
      examples,
      ['nova-micro'],
      { ...settings, responses: { model: 'nova-micro', answers } },
      options(),
    ).catch((e: unknown) => e);
    expect((missing as Error).message).toBe(
      `the earlier run has no answer of nova-micro for ${examples
        .slice(1)
        .map((e) => e.id)
        .join(', ')}`,
    );
    expect(s3Sim.calls).toEqual([]);
  });

  it('fails with the job failure message when the job fails, and forgets the job', async () => {
    bedrockSim.evaluationJobs({
      s3: s3Sim,
      pollsUntilDone: 1,
      outcome: { failed: 'The role cannot read s3://fm-eval-333333333333/evaluations/input/' },
    });
    const o = options();
    const { state } = await startJob(examples, models, settings, o);
    const err = await awaitJob(state, o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvaluationJobFailedError);
    expect((err as Error).message).toBe(
      `evaluation job ${state.jobArn} failed: The role cannot read s3://fm-eval-333333333333/evaluations/input/`,
    );
    expect(existsSync(o.stateFile)).toBe(false);
  });

  it('stops polling when interrupted, keeping the job in the state file, and resumes the same job later', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 4, respond });
    const controller = new AbortController();
    const o = options({ signal: controller.signal });
    const { state } = await startJob(examples, models, settings, o);
    let polls = 0;
    const stopped = await awaitJob(state, {
      ...o,
      onPoll: () => {
        if (++polls === 2) controller.abort();
      },
    });
    expect(stopped).toBeUndefined();
    expect(JSON.parse(readFileSync(o.stateFile, 'utf8'))).toEqual(state);

    const again = await startJob(examples, models, settings, { ...o, signal: undefined });
    expect(again).toEqual({ state, resumed: true });
    const results = await awaitJob(again.state, { ...o, signal: undefined });
    expect(results).toHaveLength(8);
    expect(bedrockSim.jobs.size).toBe(1);
    expect(bedrockSim.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('fails before uploading anything on an example without a reference response', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim });
    const { examples: noReference } = parseDataset(
      JSON.stringify({ id: 'open', prompt: 'Say something.', scorer: { type: 'regex', pattern: '.' } }),
      'open.jsonl',
    );
    const err = await startJob(noReference, models, settings, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobSettingsError);
    expect((err as Error).message).toBe(
      'example "open" (line 1) has no "expected": a Bedrock evaluation job scores against a reference response',
    );
    expect(s3Sim.calls).toEqual([]);
  });
});
