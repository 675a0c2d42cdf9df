import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';
import type { EvaluationReport } from '../../evaluation/report';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import { cliPath, runCli } from '../support/cli';
import { tempDir } from '../support/temp-dir';

const evaluate = (args: string[]) => runCli('evaluate', args);

describe('npm run evaluate', () => {
  it("reports skipped lines by number, writes report.md, summary.json and chart.svg, and the catalog's performance on request", () => {
    const dir = tempDir('evaluate-');
    const dataset = join(dir, 'small.jsonl');
    const lines = readFileSync(join(projectRoot, 'evaluation/datasets/classification.jsonl'), 'utf8')
      .split('\n')
      .slice(0, 4);
    writeFileSync(dataset, [lines[0], lines[1], '{"id": "broken", ', lines[2], lines[3]].join('\n'));
    const catalogPath = join(dir, 'model-catalog.json');
    copyFileSync(join(projectRoot, 'model-catalog.json'), catalogPath);
    const before = readFileSync(catalogPath, 'utf8');

    const r = evaluate([
      '--dataset',
      dataset,
      '--models',
      'nova-micro,claude-haiku-4-5',
      '--out',
      join(dir, 'out'),
      '--catalog',
      catalogPath,
      '--write-catalog',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`${dataset}:3: skipped: not valid JSON`);
    expect(r.stderr).toContain('evaluating 4 examples × 2 models on local simulator');
    expect(r.stdout).toMatch(/^\| nova-micro \| \d\.\d{3} \| \d+ \| \d+ \| \d+ \| \$[\d.]+ \| 4\/4 \|$/m);
    for (const f of ['report.md', 'summary.json', 'chart.svg']) expect(existsSync(join(dir, 'out', f))).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as EvaluationReport;
    expect(summary.problems).toEqual([{ line: 3, message: expect.stringMatching(/^not valid JSON/) }]);
    expect(summary.models.map((m) => m.model).sort()).toEqual(['claude-haiku-4-5', 'nova-micro']);

    const after = JSON.parse(readFileSync(catalogPath, 'utf8')) as ModelCatalog;
    const micro = after.models.find((m) => m.id === 'nova-micro')!.performance!;
    const measured = summary.models.find((m) => m.model === 'nova-micro')!;
    expect(micro.quality).toBe(Number(measured.quality.toFixed(3)));
    expect(micro.latencyP50Ms).toBe(Math.round(measured.latencyP50Ms!));
    expect(micro.source).toBe('npm run evaluate: small.jsonl on local simulator, 4 examples');
    expect(micro.measuredAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(readFileSync(catalogPath, 'utf8')).not.toBe(before);
  });

  it('writes the results so far when interrupted with SIGINT, and leaves the catalog alone', async () => {
    const dir = tempDir('evaluate-');
    const catalogPath = join(dir, 'model-catalog.json');
    copyFileSync(join(projectRoot, 'model-catalog.json'), catalogPath);
    const before = readFileSync(catalogPath, 'utf8');
    const child = spawn(
      process.execPath,
      [
        cliPath('evaluate'),
        '--dataset',
        join(projectRoot, 'evaluation/datasets/classification.jsonl'),
        '--route',
        'translate',
        '--concurrency',
        '1',
        '--out',
        join(dir, 'out'),
        '--catalog',
        catalogPath,
        '--write-catalog',
      ],
      { cwd: projectRoot },
    );
    let stderr = '';
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stderr.on('data', (chunk: Buffer) => {
      const started = !stderr.includes('evaluating');
      stderr += chunk.toString();
      // 20 examples × the route's 3 candidates, 60 calls of 20 to 95 ms one at a time (seconds): interrupt 0.5 s in.
      if (started && stderr.includes('evaluating')) setTimeout(() => child.kill('SIGINT'), 500);
    });
    const code = await exit;
    expect(code).toBe(130);
    expect(stderr).toContain('interrupted: writing the results so far');
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as EvaluationReport;
    expect(summary.interrupted).toBe(true);
    expect(summary.planned).toBe(60);
    expect(summary.results.length).toBeGreaterThan(0);
    expect(summary.results.length).toBeLessThan(60);
    expect(readFileSync(join(dir, 'out', 'report.md'), 'utf8')).toContain(
      `**Interrupted:** ${summary.results.length} of 60 calls finished`,
    );
    expect(readFileSync(catalogPath, 'utf8')).toBe(before);
  });

  it('scores the shipped open-answer dataset with the judge model through the simulator: per-example verdicts, judge cost apart, chart', () => {
    const dir = tempDir('evaluate-judge-');
    const r = evaluate([
      '--dataset',
      join(projectRoot, 'evaluation/datasets/open-answers.jsonl'),
      '--models',
      'claude-haiku-4-5,nova-lite,nova-micro',
      '--out',
      join(dir, 'out'),
    ]);
    expect(r.status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'out', 'summary.json'), 'utf8')) as EvaluationReport;
    expect(summary.results).toHaveLength(24);
    for (const result of summary.results) {
      expect(result.judge).toMatchObject({ model: 'claude-sonnet-4', scale: 5 });
      expect(result.detail).toMatch(/^judge claude-sonnet-4: [1-5]\/5 /);
      expect(result.score).toBe((result.judge!.score! - 1) / 4);
    }
    for (const m of summary.models) {
      expect(m.judging?.judged).toBe(8);
      expect(m.judging?.costUsd).toBeGreaterThan(0);
    }
    const report = readFileSync(join(dir, 'out', 'report.md'), 'utf8');
    expect(report).toContain('## Judge: claude-sonnet-4');
    expect(report).toMatch(/^\| nova-micro \| support-refund-window \| [1-5]\/5 \| .+ \|$/m);
    expect(report).not.toContain('also judged its own answers');
    expect(readFileSync(join(dir, 'out', 'chart.svg'), 'utf8')).toContain('<svg');
  });

  it('fails on a judge model the catalog does not have, naming the dataset line', () => {
    const dir = tempDir('evaluate-judge-');
    const dataset = join(dir, 'judge.jsonl');
    writeFileSync(
      dataset,
      `${JSON.stringify({ id: 'a', prompt: 'q', scorer: { type: 'judge', rubric: 'r', judge: 'claude-sonet-4' } })}\n`,
    );
    const r = evaluate(['--dataset', dataset, '--models', 'nova-micro']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      `${dataset}:1: judge model "claude-sonet-4" is not in the catalog; did you mean "claude-sonnet-4"?`,
    );
  });

  it('fails on an unknown model with a did-you-mean', () => {
    const r = evaluate([
      '--dataset',
      join(projectRoot, 'evaluation/datasets/classification.jsonl'),
      '--models',
      'nova-micr',
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown model "nova-micr"; did you mean "nova-micro"?');
  });
});
