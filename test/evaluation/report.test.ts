import type { ModelSummary } from '../../evaluation/measures';
import { jsonReport, markdownReport, resultsTable, type EvaluationReport } from '../../evaluation/report';

const models: ModelSummary[] = [
  {
    model: 'nova-micro',
    examples: 2,
    answered: 2,
    failed: 0,
    quality: 1,
    latencyP50Ms: 41.6,
    latencyP95Ms: 57.2,
    outputTokensPerSecond: 71.26,
    inputTokens: 40,
    outputTokens: 6,
    costUsd: 0.0000022,
    costPer1kRequestsUsd: 0.0011,
  },
  {
    model: 'llama-3-8b-support-lora',
    examples: 2,
    answered: 1,
    failed: 1,
    quality: 0.25,
    latencyP50Ms: 120,
    latencyP95Ms: 120,
    outputTokensPerSecond: 10,
    inputTokens: 20,
    outputTokens: 3,
  },
];

const report: EvaluationReport = {
  dataset: 'classification.jsonl',
  target: 'local simulator',
  date: '2026-11-29',
  interrupted: false,
  planned: 4,
  problems: [{ line: 7, message: 'not valid JSON: Unexpected end of JSON input' }],
  models,
  results: [
    {
      exampleId: 'a',
      requested: 'nova-micro',
      model: 'nova-micro',
      ok: true,
      score: 1,
      detail: 'exact match',
      attempts: 1,
    },
    {
      exampleId: 'b',
      requested: 'nova-micro',
      model: 'nova-micro',
      ok: true,
      score: 1,
      detail: 'exact match',
      attempts: 1,
    },
    {
      exampleId: 'a',
      requested: 'llama-3-8b-support-lora',
      model: 'llama-3-8b-support-lora',
      ok: true,
      score: 0.5,
      detail: 'token-f1 0.50 | half',
      attempts: 1,
    },
    {
      exampleId: 'b',
      requested: 'llama-3-8b-support-lora',
      model: 'llama-3-8b-support-lora',
      ok: false,
      score: 0,
      detail: 'call failed: ModelError',
      attempts: 1,
    },
  ],
};

describe('report', () => {
  it('tables quality, p50, p95, tokens/s and cost per model, with a dash where a figure does not apply', () => {
    expect(resultsTable(models).split('\n')).toEqual([
      '| model | quality | p50 ms | p95 ms | output tokens/s | cost per 1k requests | answered |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      '| nova-micro | 1.000 | 42 | 57 | 71 | $0.0011 | 2/2 |',
      '| llama-3-8b-support-lora | 0.250 | 120 | 120 | 10 | – | 1/2 |',
    ]);
  });

  it('lists the skipped dataset lines and every answer that did not score 1, escaping table pipes', () => {
    const md = markdownReport(report, 'chart.svg');
    expect(md).toMatch(/^# Evaluation: classification\.jsonl on local simulator, 2026-11-29\n/);
    expect(md).toContain('![cost per 1k requests against quality, latency as size](chart.svg)');
    expect(md).toContain('## Dataset lines skipped (1)\n\n- line 7: not valid JSON: Unexpected end of JSON input');
    expect(md).toContain('| llama-3-8b-support-lora | a | 0.50 | token-f1 0.50 \\| half |');
    expect(md).toContain('| llama-3-8b-support-lora | b | 0.00 | call failed: ModelError |');
    expect(md).not.toContain('| nova-micro | a |');
    expect(md).not.toContain('Interrupted');
  });

  it('says when the run was interrupted and how much of it finished', () => {
    expect(markdownReport({ ...report, interrupted: true, planned: 10 })).toContain(
      '**Interrupted:** 4 of 10 calls finished; the figures cover those only.',
    );
  });

  it('writes the same content as JSON, with the statement of how it was measured', () => {
    const json = JSON.parse(jsonReport(report)) as EvaluationReport & { measures: string };
    expect(json.models).toEqual(models);
    expect(json.problems).toEqual(report.problems);
    expect(json.measures).toMatch(/^quality = mean score/);
  });
});
