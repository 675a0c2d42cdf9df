import { formatUsd } from '../selection/rank';
import type { DatasetProblem } from './dataset';
import type { ModelSummary } from './measures';
import type { CallResult } from './run';

export interface EvaluationReport {
  readonly dataset: string;
  readonly target: string;
  /** YYYY-MM-DD */
  readonly date: string;
  readonly interrupted: boolean;
  readonly planned: number;
  readonly problems: readonly DatasetProblem[];
  /** Best quality first. */
  readonly models: readonly ModelSummary[];
  readonly results: readonly CallResult[];
}

/** The one statement of how the figures are measured, shared by the Markdown report and the CLI. */
export const MEASURES_NOTE =
  "quality = mean score (0..1) over the examples sent, failed calls scoring 0; latency = wall time of each successful call as the client saw it, nearest-rank p50/p95; tokens/s = output tokens ÷ summed latency; cost = token usage × the catalog's per-token prices, per 1,000 requests of this dataset.";

const ms = (v: number | undefined): string => (v === undefined ? '–' : String(Math.round(v)));

/** The per-model table, best quality first: the part people paste into a PR. */
export function resultsTable(models: readonly ModelSummary[]): string {
  const rows = models.map(
    (m) =>
      `| ${m.model} | ${m.quality.toFixed(3)} | ${ms(m.latencyP50Ms)} | ${ms(m.latencyP95Ms)} | ${m.outputTokensPerSecond === undefined ? '–' : m.outputTokensPerSecond.toFixed(0)} | ${m.costPer1kRequestsUsd === undefined ? '–' : `$${formatUsd(m.costPer1kRequestsUsd)}`} | ${m.answered}/${m.examples} |`,
  );
  return [
    '| model | quality | p50 ms | p95 ms | output tokens/s | cost per 1k requests | answered |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}

export function markdownReport(report: EvaluationReport, chartFile?: string): string {
  const lines = [
    `# Evaluation: ${report.dataset} on ${report.target}, ${report.date}`,
    '',
    report.interrupted
      ? `**Interrupted:** ${report.results.length} of ${report.planned} calls finished; the figures cover those only.\n`
      : '',
    resultsTable(report.models),
    '',
    MEASURES_NOTE,
    ...(chartFile ? ['', `![cost per 1k requests against quality, latency as size](${chartFile})`] : []),
  ];
  if (report.problems.length > 0) {
    lines.push(
      '',
      `## Dataset lines skipped (${report.problems.length})`,
      '',
      ...report.problems.map((p) => `- line ${p.line}: ${p.message}`),
    );
  }
  const judgedModels = report.models.filter((m) => m.judging !== undefined);
  if (judgedModels.length > 0) {
    const judges = [...new Set(report.results.flatMap((r) => (r.judge ? [r.judge.model] : [])))];
    const selfJudged = judges.filter((j) => report.models.some((m) => m.model === j));
    const total = judgedModels.reduce((s, m) => s + (m.judging?.costUsd ?? 0), 0);
    lines.push(
      '',
      `## Judge: ${judges.join(', ')}`,
      '',
      'Each answer was scored on its own (never beside another) by the judge model from a fixed rubric, ' +
        "with the reference answer when the example gives one, its author's names taken out of the text. " +
        "The judge's calls are counted here, not in the models' cost above.",
      ...(selfJudged.length > 0
        ? ['', `**Note:** ${selfJudged.join(', ')} also judged its own answers; a judge may favour its own style.`]
        : []),
      '',
      '| model | judged | judge input tokens | judge output tokens | judge cost |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...judgedModels.map(
        (m) =>
          `| ${m.model} | ${m.judging!.judged} | ${m.judging!.inputTokens} | ${m.judging!.outputTokens} | ${m.judging!.costUsd === undefined ? '–' : `$${formatUsd(m.judging!.costUsd)}`} |`,
      ),
      '',
      `Judging cost $${formatUsd(total)} in all.`,
      '',
      '| model | example | judge score | reason |',
      '| --- | --- | ---: | --- |',
      ...report.results
        .filter((r) => r.judge)
        .map(
          (r) =>
            `| ${r.model} | ${r.exampleId} | ${r.judge!.score === undefined ? 'not judged' : `${r.judge!.score}/${r.judge!.scale}`} | ${r.judge!.reason.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
        ),
    );
  }
  const misses = report.results.filter((r) => r.score < 1 && !r.judge);
  if (misses.length > 0) {
    lines.push(
      '',
      '## Answers that did not score 1',
      '',
      '| model | example | score | why |',
      '| --- | --- | ---: | --- |',
    );
    for (const r of misses)
      lines.push(
        `| ${r.model} | ${r.exampleId} | ${r.score.toFixed(2)} | ${r.detail.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`,
      );
  }
  return `${lines.filter((l, i) => l !== '' || lines[i - 1] !== '').join('\n')}\n`;
}

/** The JSON summary: everything in the Markdown report, per call included. */
export function jsonReport(report: EvaluationReport): string {
  return `${JSON.stringify({ ...report, measures: MEASURES_NOTE }, null, 2)}\n`;
}
