import { loadProject } from '../../catalog';
import { parseDataset, type Example } from '../../evaluation/dataset';
import { percentile, summarize, tokenCostUsd } from '../../evaluation/measures';
import { runEvaluation } from '../../evaluation/run';
import { examplePrompt, type SimulatedModel } from '../../evaluation/simulated-models';
import { localTarget } from '../../evaluation/targets';

const catalog = loadProject({ only: ['prod'] }).catalog;

/** Ten intent examples; the simulator's models answer them as each test dictates. */
const LABELS = [
  'billing',
  'technical',
  'account',
  'billing',
  'shipping',
  'technical',
  'account',
  'cancellation',
  'shipping',
  'billing',
];
const dataset = parseDataset(
  LABELS.map((label, i) =>
    JSON.stringify({
      id: `ex-${i}`,
      system: 'Answer with one label.',
      prompt: `message number ${i}`,
      expected: label,
      scorer: { type: 'exact' },
    }),
  ).join('\n'),
  'inline.jsonl',
);
const examples = dataset.examples;
const indexOf = (text: string): number => Number(/message number (\d+)/.exec(text)?.[1] ?? -1);

/** Answers right on the examples `knows` picks, waits `delay(i)` ms on example i. */
function model(
  knows: (i: number) => boolean,
  delay: (i: number) => number,
  extra: Partial<SimulatedModel> = {},
): SimulatedModel {
  return {
    answer: (p) => (knows(indexOf(p.text)) ? LABELS[indexOf(p.text)] : 'no idea'),
    delayMs: (p) => delay(indexOf(p.text)),
    ...extra,
  };
}

/** The tolerance for a measured latency: the configured delay plus the larger of 40 ms and half of it (client and loopback overhead). */
function expectLatencyNear(measured: number | undefined, configured: number): void {
  expect(measured).toBeGreaterThanOrEqual(configured);
  expect(measured).toBeLessThanOrEqual(configured + Math.max(40, configured / 2));
}

describe('runEvaluation against the local simulator', () => {
  it('measures quality, latency percentiles, throughput and cost as the simulator dictates', async () => {
    // nova-micro: always right, 40 + 10·i ms. claude-haiku-4-5: right on even examples only, 150 ms flat.
    const delaysMicro = examples.map((_, i) => 40 + 10 * i);
    const target = await localTarget(
      catalog,
      'us-east-1',
      {
        'nova-micro': model(
          () => true,
          (i) => 40 + 10 * i,
        ),
        'claude-haiku-4-5': model(
          (i) => i % 2 === 0,
          () => 150,
        ),
      },
      { concurrency: 2 },
    );
    const run = await runEvaluation({ examples, models: ['claude-haiku-4-5', 'nova-micro'], target, concurrency: 2 });
    await target.close();

    expect(run.interrupted).toBe(false);
    expect(run.results).toHaveLength(20);
    const [first, second] = summarize(run.results, catalog).sort((a, b) => b.quality - a.quality);
    expect(first.model).toBe('nova-micro');
    expect(first.quality).toBe(1);
    expect(second.model).toBe('claude-haiku-4-5');
    expect(second.quality).toBe(0.5);
    expect(run.results.filter((r) => r.model === 'claude-haiku-4-5' && r.score === 0).map((r) => r.exampleId)).toEqual([
      'ex-1',
      'ex-3',
      'ex-5',
      'ex-7',
      'ex-9',
    ]);

    // Nearest rank of the configured delays: p50 = 80 ms (5th of 10), p95 = 130 ms (10th).
    expectLatencyNear(first.latencyP50Ms, percentile(delaysMicro, 50)!);
    expectLatencyNear(first.latencyP95Ms, percentile(delaysMicro, 95)!);
    expectLatencyNear(second.latencyP50Ms, 150);
    expectLatencyNear(second.latencyP95Ms, 150);

    // The simulator counts ceil(characters / 4) tokens; the cost is those tokens at the catalog's prices.
    const microResults = run.results.filter((r) => r.model === 'nova-micro');
    expect(first.outputTokens).toBe(microResults.reduce((s, r) => s + Math.ceil(r.answer!.length / 4), 0));
    const micro = catalog.models.find((m) => m.id === 'nova-micro');
    expect(first.costUsd).toBeCloseTo(tokenCostUsd(micro, first.inputTokens, first.outputTokens)!, 12);
    expect(first.costPer1kRequestsUsd).toBeCloseTo((first.costUsd! / 10) * 1000, 12);
    expect(first.outputTokensPerSecond).toBeCloseTo(
      first.outputTokens / (microResults.reduce((s, r) => s + r.latencyMs!, 0) / 1000),
      9,
    );
  });

  it('retries throttled calls with backoff and scores the answers that follow', async () => {
    const target = await localTarget(
      catalog,
      'us-east-1',
      {
        'nova-lite': model(
          () => true,
          () => 5,
          { failFirst: 3 },
        ),
      },
      { concurrency: 1 },
    );
    const pauses: number[] = [];
    const run = await runEvaluation({
      examples: examples.slice(0, 2),
      models: ['nova-lite'],
      target,
      concurrency: 1,
      backoff: { baseMs: 100, maxMs: 1000 },
      random: () => 0.5,
      sleep: (ms) => {
        pauses.push(ms);
        return Promise.resolve();
      },
    });
    await target.close();
    expect(run.results.map((r) => [r.exampleId, r.ok, r.attempts, r.score])).toEqual([
      ['ex-0', true, 4, 1],
      ['ex-1', true, 1, 1],
    ]);
    // Full jitter at random() = 0.5 of 100, 200, 400 ms.
    expect(pauses).toEqual([50, 100, 200]);
  });

  it('fails a call that is still throttled after the last attempt, scoring it 0', async () => {
    const target = await localTarget(
      catalog,
      'us-east-1',
      {
        'nova-lite': model(
          () => true,
          () => 1,
          { failFirst: 10 },
        ),
      },
      { concurrency: 1 },
    );
    const run = await runEvaluation({
      examples: examples.slice(0, 1),
      models: ['nova-lite'],
      target,
      maxAttempts: 3,
      sleep: () => Promise.resolve(),
    });
    await target.close();
    expect(run.results).toHaveLength(1);
    expect(run.results[0]).toMatchObject({ ok: false, score: 0, attempts: 3 });
    expect(run.results[0].detail).toMatch(/^call failed: nova-lite: ThrottlingException \(simulated\)/);
  });

  it('keeps the finished calls when interrupted, and says the run is partial', async () => {
    const target = await localTarget(
      catalog,
      'us-east-1',
      {
        'nova-micro': model(
          () => true,
          () => 20,
        ),
      },
      { concurrency: 1 },
    );
    const controller = new AbortController();
    const run = await runEvaluation({
      examples,
      models: ['nova-micro'],
      target,
      concurrency: 1,
      signal: controller.signal,
      onProgress: (done) => {
        if (done === 3) controller.abort();
      },
    });
    await target.close();
    expect(run.interrupted).toBe(true);
    expect(run.planned).toBe(10);
    expect(run.results.map((r) => r.exampleId)).toEqual(['ex-0', 'ex-1', 'ex-2']);
  });

  it("sends the example's system text and last user message to the simulated model", async () => {
    const seen: string[] = [];
    const target = await localTarget(catalog, 'us-east-1', {
      'nova-micro': { answer: (p) => (seen.push(`${p.system}|${p.text}`), 'billing'), delayMs: () => 0 },
    });
    await runEvaluation({ examples: examples.slice(0, 1), models: ['nova-micro'], target });
    await target.close();
    const ex: Example = examples[0];
    expect(seen).toEqual([`${examplePrompt(ex).system}|${examplePrompt(ex).text}`]);
    expect(seen).toEqual(['Answer with one label.|message number 0']);
  });
});
