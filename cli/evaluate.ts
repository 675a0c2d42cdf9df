import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { loadProject, type EnvironmentPlan } from '../catalog';
import { evaluationJobDefaults } from '../catalog/bootstrap';
import { defaultCatalogPath } from '../catalog/paths';
import { didYouMean } from '../suggest/did-you-mean';
import { renderChart } from '../evaluation/chart';
import { readDataset } from '../evaluation/dataset';
import { summarize } from '../evaluation/measures';
import { progressBar } from '../evaluation/progress';
import { MEASURES_NOTE, jsonReport, markdownReport, resultsTable, type EvaluationReport } from '../evaluation/report';
import { runEvaluation, type RunResult } from '../evaluation/run';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { S3Client } from '@aws-sdk/client-s3';
import { EvaluationJobFailedError, JobSettingsError, awaitJob, startJob } from '../evaluation/bedrock-job';
import type { Example } from '../evaluation/dataset';
import type { ModelCatalog } from '../schemas/generated/model-catalog';
import { defaultSimulatedModel } from '../evaluation/simulated-models';
import { apiTarget, bedrockTarget, localTarget, type EvalTarget } from '../evaluation/targets';
import { performanceOf, writePerformance } from '../evaluation/write-catalog';
import { parseOptions } from './args';
import { replacementSuggester } from '../selection/rank';

const USAGE = `usage: npm run evaluate -- --dataset FILE.jsonl (--models a,b,c | --route NAME) [--target local|bedrock|api]
                           [--env NAME] [--api-url URL] [--api-key KEY] [--concurrency N] [--out DIR] [--write-catalog]

Sends every example of a JSONL dataset to each model, scores the answers (deterministically, or
by a judge model: scorer "judge" with a rubric, a scale and a catalog model as the judge, whose
calls are counted apart) and reports per model: quality (mean score), latency p50/p95, output tokens per second and estimated
cost per 1,000 requests, as Markdown, JSON and an SVG chart (cost against quality, latency as size).
  --dataset FILE     JSONL, one example a line; malformed lines are reported and skipped
  --models a,b,c     catalog model ids (default with --route: the route's candidates)
  --route NAME       the route: its candidates, or for --target api the route called
  --target T         local (default: the built-in Bedrock simulator, no AWS account; deterministic
                     simulated models), bedrock (Converse with your credentials), api (a deployed
                     environment's POST /v1/routes/{route}/converse, SigV4-signed), or bedrock-job
                     (an Amazon Bedrock model evaluation job: the dataset uploaded to S3,
                     CreateEvaluationJob, polled, its output read back from S3)
  --job-bucket URI   bedrock-job: s3://bucket/prefix for the job's input and output ($FM_EVAL_JOB_BUCKET)
  --job-role ARN     bedrock-job: the evaluation service role Bedrock assumes ($FM_EVAL_JOB_ROLE)
  --job-judge MODEL  bedrock-job: a catalog model as the job's judge (model-as-judge metrics)
  --job-metrics M,N  bedrock-job: the job's metrics (default Builtin.Accuracy; with a judge
                     Builtin.Correctness,Builtin.Completeness); the first is the score
  --job-responses F  bedrock-job: score the answers of an earlier run (its summary.json) instead of
                     invoking the model: bring your own responses, one --models model
  --poll-seconds N   bedrock-job: seconds between GetEvaluationJob polls (default 30)
  --env NAME         environment whose Region is used (default: prod)
  --api-url URL      the API's base URL for --target api (default: $FM_API_URL)
  --api-key KEY      your team's API key for --target api, when the environment has consumers (default: $FM_API_KEY)
  --concurrency N    calls in flight (default: 4)
  --out DIR          where report.md, summary.json and chart.svg go (default: evaluation-results/<dataset>-<target>)
  --write-catalog    write the measured figures into each model's performance in model-catalog.json
                     (the rest of the file unchanged), then re-validate; refused if it becomes invalid
  --catalog FILE     the catalog (default: model-catalog.json); --environments DIR likewise
Ctrl-C stops the run and writes what is done so far; for bedrock-job it stops polling (the job
keeps running at Bedrock) and the same command run again resumes it from <out>/job.json.`;

const opts = parseOptions(
  {
    dataset: { type: 'string' },
    models: { type: 'string' },
    route: { type: 'string' },
    target: { type: 'string' },
    env: { type: 'string' },
    'api-url': { type: 'string' },
    'api-key': { type: 'string' },
    concurrency: { type: 'string' },
    out: { type: 'string' },
    'write-catalog': { type: 'boolean' },
    'job-bucket': { type: 'string' },
    'job-role': { type: 'string' },
    'job-judge': { type: 'string' },
    'job-metrics': { type: 'string' },
    'job-responses': { type: 'string' },
    'poll-seconds': { type: 'string' },
    catalog: { type: 'string' },
    environments: { type: 'string' },
  },
  USAGE,
);

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

async function main(): Promise<void> {
  if (opts.help) {
    console.log(USAGE);
    return;
  }
  if (opts.dataset === undefined) fail(`give --dataset FILE.jsonl\n\n${USAGE}`);
  const targetName = opts.target ?? 'local';
  if (targetName !== 'local' && targetName !== 'bedrock' && targetName !== 'api' && targetName !== 'bedrock-job')
    fail(`--target must be local, bedrock, api or bedrock-job, but "${targetName}" was given`);
  const concurrency = Number(opts.concurrency ?? 4);
  if (!Number.isInteger(concurrency) || concurrency < 1)
    fail(`--concurrency must be a whole number of 1 or more, but "${opts.concurrency ?? ''}" was given`);

  const envName = opts.env ?? 'prod';
  const catalogPath = resolve(opts.catalog ?? defaultCatalogPath);
  const project = loadProject({
    only: [envName],
    catalogPath,
    suggestReplacement: replacementSuggester,
    ...(opts.environments ? { environmentsDir: opts.environments } : {}),
  });
  const plan = project.plans.find((p) => p.name === envName);
  if (plan === undefined) fail(`no environment "${envName}"`);
  const catalog = project.catalog;
  const route = opts.route === undefined ? undefined : plan.routes.find((r) => r.id === opts.route);
  if (opts.route !== undefined && route === undefined) {
    const hint = didYouMean(
      opts.route,
      plan.routes.map((r) => r.id),
    );
    fail(`no route "${opts.route}" in ${plan.name}${hint ? `; ${hint}` : ''}`);
  }

  let models: string[];
  if (targetName === 'api') {
    if (route === undefined) fail('--target api needs --route NAME: the route chooses the model');
    models = [route.id];
  } else {
    models =
      opts.models !== undefined
        ? opts.models
            .split(',')
            .map((m) => m.trim())
            .filter((m) => m !== '')
        : [...(route?.candidates ?? [])];
    if (models.length === 0) fail(`give --models a,b,c or --route NAME\n\n${USAGE}`);
    const ids = catalog.models.map((m) => m.id);
    for (const m of models)
      if (!ids.includes(m)) fail(`unknown model "${m}"${didYouMean(m, ids) ? `; ${didYouMean(m, ids)}` : ''}`);
  }

  const dataset = readDataset(opts.dataset);
  for (const p of dataset.problems) console.error(`${opts.dataset}:${p.line}: skipped: ${p.message}`);
  if (dataset.examples.length === 0) fail(`no usable example in ${opts.dataset}`, 1);
  const judges = [...new Set(dataset.examples.flatMap((e) => (e.scorer.type === 'judge' ? [e.scorer.judge] : [])))];
  const catalogIds = catalog.models.map((m) => m.id);
  for (const j of judges)
    if (!catalogIds.includes(j)) {
      const line = dataset.examples.find((e) => e.scorer.type === 'judge' && e.scorer.judge === j)?.line;
      const hint = didYouMean(j, catalogIds);
      fail(`${opts.dataset}:${line ?? '?'}: judge model "${j}" is not in the catalog${hint ? `; ${hint}` : ''}`);
    }

  const out = resolve(opts.out ?? join('evaluation-results', `${basename(opts.dataset, '.jsonl')}-${targetName}`));
  let run: RunResult;
  let description: string;
  if (targetName === 'bedrock-job') {
    if (judges.length > 0)
      fail(
        '--target bedrock-job scores with the job\'s own metrics: use --job-judge MODEL for a judge model, not a "judge" scorer',
      );
    mkdirSync(out, { recursive: true });
    const job = await runJobTarget(dataset.examples, models, catalog, plan, out);
    if (job === undefined) return;
    ({ run, description } = job);
  } else {
    let target: EvalTarget;
    // Judge models are called through the same target; behind --target api (a route, not a model) through Bedrock.
    let judgeTarget: EvalTarget | undefined;
    if (targetName === 'local') {
      const simulated = Object.fromEntries(
        [...new Set([...models, ...judges])].map((id) => [
          id,
          defaultSimulatedModel(
            catalog.models.find((m) => m.id === id)!,
            dataset.examples,
          ),
        ]),
      );
      target = await localTarget(catalog, plan.region, simulated, { concurrency });
    } else if (targetName === 'bedrock') {
      target = bedrockTarget(catalog, plan.region);
    } else {
      const url = opts['api-url'] ?? process.env.FM_API_URL;
      if (url === undefined) fail('--target api needs --api-url URL (or FM_API_URL)');
      target = apiTarget(url, route!.id, plan.region, opts['api-key'] ?? process.env.FM_API_KEY);
      if (judges.length > 0) judgeTarget = bedrockTarget(catalog, plan.region);
    }
    const identities = (id: string): string[] => {
      const m = catalog.models.find((x) => x.id === id);
      if (m === undefined) return [id];
      return [m.id, m.name, ...(m.hosting.type === 'bedrock' ? [m.hosting.modelId] : [])];
    };

    const controller = new AbortController();
    const onSigint = (): void => {
      if (controller.signal.aborted) process.exit(130);
      console.error('\ninterrupted: writing the results so far (Ctrl-C again to quit now)');
      controller.abort();
    };
    process.on('SIGINT', onSigint);
    console.error(
      `evaluating ${dataset.examples.length} examples × ${models.length} model${models.length === 1 ? '' : 's'} on ${target.description}`,
    );
    const bar = progressBar(`${basename(opts.dataset)} on ${target.description}`);
    run = await runEvaluation({
      examples: dataset.examples,
      models,
      target,
      concurrency,
      signal: controller.signal,
      onProgress: bar.update,
      identities,
      ...(judgeTarget ? { judgeTarget } : {}),
    }).finally(() => {
      bar.end();
      process.off('SIGINT', onSigint);
    });
    await target.close();
    await judgeTarget?.close();
    description = target.description;
  }

  const date = new Date().toISOString().slice(0, 10);
  const summaries = summarize(run.results, catalog).sort(
    (a, b) => b.quality - a.quality || a.model.localeCompare(b.model),
  );
  const report: EvaluationReport = {
    dataset: basename(opts.dataset),
    target: description,
    date,
    interrupted: run.interrupted,
    planned: run.planned,
    problems: dataset.problems,
    models: summaries,
    results: run.results,
  };
  mkdirSync(out, { recursive: true });
  const chart = renderChart(summaries, `${report.dataset} on ${description}: cost against quality`);
  writeFileSync(join(out, 'chart.svg'), chart.svg);
  writeFileSync(join(out, 'report.md'), markdownReport(report, 'chart.svg'));
  writeFileSync(join(out, 'summary.json'), jsonReport(report));
  console.log(
    `${resultsTable(summaries)}\n\n${MEASURES_NOTE}\n\nwrote ${join(out, 'report.md')}, summary.json and chart.svg`,
  );
  if (run.interrupted) {
    console.error(
      `interrupted after ${run.results.length} of ${run.planned} calls; the catalog is not written from a partial run`,
    );
    process.exitCode = 130;
    return;
  }

  if (opts['write-catalog']) {
    if (targetName === 'local')
      console.error(
        'note: these figures come from simulated models; their source in the catalog says "local simulator". Measure with --target bedrock or api before relying on them.',
      );
    const source = `npm run evaluate: ${report.dataset} on ${description}, ${dataset.examples.length} examples`;
    const entries = Object.fromEntries(
      summaries
        .filter((s) => s.answered > 0 && catalog.models.some((m) => m.id === s.model))
        .map((s) => [s.model, performanceOf(s, source, date)]),
    );
    try {
      const written = writePerformance(
        catalogPath,
        entries,
        opts.environments ? { environmentsDir: opts.environments } : {},
      );
      console.log(`wrote performance of ${written.join(', ')} into ${catalogPath}`);
    } catch (err) {
      fail(`refused to write the catalog (restored as it was):\n${(err as Error).message}`, 1);
    }
  }
}

/**
 * --target bedrock-job: starts the job (or resumes the one <out>/job.json names), polls it and
 * reads its output. Undefined when interrupted (exit code set; the job keeps running).
 */
async function runJobTarget(
  examples: readonly Example[],
  models: readonly string[],
  catalog: ModelCatalog,
  plan: EnvironmentPlan,
  out: string,
): Promise<{ run: RunResult; description: string } | undefined> {
  const region = plan.region;
  // An environment with a bootstrap section has both from its account's bootstrap stack.
  const bootstrapped = evaluationJobDefaults(plan);
  const bucketUri = opts['job-bucket'] ?? process.env.FM_EVAL_JOB_BUCKET ?? bootstrapped?.bucketUri;
  const roleArn = opts['job-role'] ?? process.env.FM_EVAL_JOB_ROLE ?? bootstrapped?.roleArn;
  if (bucketUri === undefined || roleArn === undefined)
    fail(
      `--target bedrock-job needs --job-bucket s3://bucket/prefix and --job-role ARN (the evaluation service role): environment ${plan.name} has no bootstrap section, whose stack would make both`,
    );
  const pollSeconds = Number(opts['poll-seconds'] ?? 30);
  if (!(pollSeconds > 0))
    fail(`--poll-seconds must be a positive number, but "${opts['poll-seconds'] ?? ''}" was given`);
  if (opts['job-judge'] !== undefined && !catalog.models.some((m) => m.id === opts['job-judge']))
    fail(`--job-judge: no model "${opts['job-judge']}" in the catalog`);
  let responses: { model: string; answers: Map<string, string> } | undefined;
  if (opts['job-responses'] !== undefined) {
    const earlier = JSON.parse(readFileSync(opts['job-responses'], 'utf8')) as EvaluationReport;
    const model = models[0];
    responses = {
      model,
      answers: new Map(
        earlier.results.flatMap((r) => (r.model === model && r.answer !== undefined ? [[r.exampleId, r.answer]] : [])),
      ),
    };
  }
  const bedrock = new BedrockClient({ region });
  // A local S3 endpoint (AWS_ENDPOINT_URL_S3: a simulator, MinIO) is addressed path-style.
  const s3 = new S3Client({ region, ...(process.env.AWS_ENDPOINT_URL_S3 ? { forcePathStyle: true } : {}) });
  const controller = new AbortController();
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130);
    console.error('\ninterrupted: the job keeps running at Bedrock; run the same command again to resume it');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const options = {
    catalog,
    region,
    bedrock,
    s3,
    stateFile: join(out, 'job.json'),
    pollIntervalMs: pollSeconds * 1000,
    signal: controller.signal,
    onPoll: (status: string, seconds: number) => console.error(`evaluation job: ${status} (${seconds} s)`),
  };
  try {
    const { state, resumed } = await startJob(
      examples,
      models,
      {
        bucketUri,
        roleArn,
        ...(opts['job-judge'] ? { judge: opts['job-judge'] } : {}),
        ...(opts['job-metrics'] ? { metrics: opts['job-metrics'].split(',').map((m) => m.trim()) } : {}),
        ...(responses ? { responses } : {}),
      },
      options,
    );
    console.error(
      `${resumed ? 'resuming' : 'started'} evaluation job ${state.jobArn}: ${state.examples.length} examples × ${Object.keys(state.models).length} model${Object.keys(state.models).length === 1 ? '' : 's'}, metrics ${state.metrics.join(', ')}`,
    );
    const results = await awaitJob(state, options);
    if (results === undefined) {
      process.exitCode = 130;
      return undefined;
    }
    return {
      run: { results, planned: state.examples.length * Object.keys(state.models).length, interrupted: false },
      description: `bedrock evaluation job ${state.jobName} (${region})`,
    };
  } catch (err) {
    if (err instanceof EvaluationJobFailedError) fail(err.message, 1);
    if (err instanceof JobSettingsError) fail(err.message, 2);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    bedrock.destroy();
    s3.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
