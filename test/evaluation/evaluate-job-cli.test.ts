import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';
import type { EvaluationReport } from '../../evaluation/report';
import { BedrockControlPlaneSim } from '../../sim/bedrock-control-plane';
import { S3Sim } from '../../sim/s3';
import { cliPath } from '../support/cli';
import { tempDir } from '../support/temp-dir';

const bedrockSim = new BedrockControlPlaneSim();
const s3Sim = new S3Sim();
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  env = {
    PATH: process.env.PATH,
    AWS_ENDPOINT_URL_BEDROCK: await bedrockSim.listen(),
    AWS_ENDPOINT_URL_S3: await s3Sim.listen(),
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
});
afterAll(async () => {
  await bedrockSim.close();
  await s3Sim.close();
});
beforeEach(() => {
  bedrockSim.reset();
  s3Sim.reset();
});

const respond = (modelIdentifier: string, record: { referenceResponse?: string }) =>
  modelIdentifier === 'us.amazon.nova-micro-v1:0' ? (record.referenceResponse ?? '') : 'I am not sure.';

function evaluate(
  out: string,
  job: string[] = [
    '--job-bucket',
    's3://fm-eval-333333333333/evaluations',
    '--job-role',
    'arn:aws:iam::333333333333:role/fm-platform-evaluation-prod',
  ],
): { child: ChildProcess; done: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [
      cliPath('evaluate'),
      '--dataset',
      join(projectRoot, 'evaluation/datasets/classification.jsonl'),
      '--models',
      'nova-micro,claude-haiku-4-5',
      '--target',
      'bedrock-job',
      ...job,
      '--poll-seconds',
      '0.05',
      '--out',
      out,
    ],
    { cwd: projectRoot, env },
  );
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr })),
  );
  return { child, done };
}

describe('npm run evaluate --target bedrock-job', () => {
  it('runs the dataset as a Bedrock evaluation job and writes the same report, summary and chart as the other targets', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 2, respond });
    const out = join(tempDir('job-cli-'), 'out');
    const { code, stderr } = await evaluate(out).done;
    expect(stderr).toMatch(
      /started evaluation job arn:aws:bedrock:us-east-1:\d{12}:evaluation-job\/\S+: 20 examples × 2 models, metrics Builtin.Accuracy/,
    );
    expect(stderr).toContain('evaluation job: InProgress');
    expect(code).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvaluationReport;
    expect(summary.target).toMatch(/^bedrock evaluation job fm-eval-\d{14} \(us-east-1\)$/);
    expect(summary.models.map((m) => [m.model, m.quality, m.answered])).toEqual([
      ['nova-micro', 1, 20],
      ['claude-haiku-4-5', 0, 20],
    ]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /^\| nova-micro \| 1\.000 \| – \| – \| – \| – \| 20\/20 \|$/m,
    );
    // Jobs report scores, not token usage: the chart says why it places no model, rather than inventing a cost.
    expect(readFileSync(join(out, 'chart.svg'), 'utf8')).toContain(
      'Not plotted: nova-micro (no token usage reported), claude-haiku-4-5 (no token usage reported)',
    );
    expect(existsSync(join(out, 'job.json'))).toBe(false);
  });

  it("runs as the environment's bootstrap-made evaluation role, in its prefix of the evaluation bucket, by default", async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 1, respond });
    const { code } = await evaluate(join(tempDir('job-cli-'), 'out'), []).done;
    expect(code).toBe(0);
    const [job] = [...bedrockSim.jobs.values()];
    expect(job.request.roleArn).toBe('arn:aws:iam::333333333333:role/fm-platform-evaluation-prod');
    expect(job.request.outputDataConfig?.s3Uri).toBe('s3://fm-platform-evaluation-333333333333/prod/output/');
  });

  it('fails with exit 1 and the job failure message when the job fails', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 1, outcome: { failed: 'Access denied to the model.' } });
    const { code, stderr } = await evaluate(join(tempDir('job-cli-'), 'out')).done;
    expect(code).toBe(1);
    expect(stderr).toMatch(/evaluation job arn:aws:bedrock:\S+ failed: Access denied to the model\./);
  });

  it('stops polling on Ctrl-C, leaving the job running, and the same command resumes that job', async () => {
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 10_000, respond });
    const out = join(tempDir('job-cli-'), 'out');
    const first = evaluate(out);
    let sent = false;
    first.child.stderr?.on('data', (c: Buffer) => {
      if (!sent && c.toString().includes('evaluation job: InProgress')) {
        sent = true;
        first.child.kill('SIGINT');
      }
    });
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain(
      'interrupted: the job keeps running at Bedrock; run the same command again to resume it',
    );
    expect(existsSync(join(out, 'job.json'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);

    // Meanwhile the job finishes at Bedrock.
    bedrockSim.evaluationJobs({ s3: s3Sim, pollsUntilDone: 0, respond });
    const resumed = await evaluate(out).done;
    expect(resumed.stderr).toMatch(/resuming evaluation job arn:aws:bedrock:\S+: 20 examples × 2 models/);
    expect(resumed.code).toBe(0);
    expect(bedrockSim.jobs.size).toBe(1);
    expect(bedrockSim.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as EvaluationReport;
    expect(summary.results).toHaveLength(40);
  });
});
