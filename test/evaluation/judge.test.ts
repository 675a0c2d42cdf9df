import { loadProject } from '../../catalog';
import { parseDataset } from '../../evaluation/dataset';
import { JUDGE_SYSTEM, REDACTED, judgeRequest, normalized, parseVerdict, requestParts } from '../../evaluation/judge';
import { summarize, tokenCostUsd } from '../../evaluation/measures';
import { runEvaluation } from '../../evaluation/run';
import { simulatedVerdict, type SimulatedModel } from '../../evaluation/simulated-models';
import type { JudgeScorer } from '../../evaluation/scorers';
import { localTarget } from '../../evaluation/targets';
import type { SimPrompt } from '../../sim/http-sim';

const catalog = loadProject({ only: ['prod'] }).catalog;
const RUBRIC = 'The reply says refunds are possible within 30 days and names the Orders page.';
const SCORER: JudgeScorer = { type: 'judge', rubric: RUBRIC, scale: 5, judge: 'claude-sonnet-4' };
const { examples } = parseDataset(
  [
    JSON.stringify({
      id: 'with-reference',
      system: 'Answer briefly.',
      prompt: 'Can I get a refund after 20 days?',
      expected: 'Yes, within 30 days: start it from the Orders page.',
      scorer: SCORER,
    }),
    JSON.stringify({ id: 'rubric-only', prompt: 'Explain refunds.', scorer: SCORER }),
  ].join('\n'),
  'inline.jsonl',
);

describe('judgeRequest', () => {
  it('sends the fixed instructions, the rubric, the scale, the conversation, the reference and the answer', () => {
    const request = judgeRequest(examples[0], SCORER, 'Yes, within 30 days.', ['nova-micro']);
    expect(request.system).toBe(JUDGE_SYSTEM);
    expect(request.temperature).toBe(0);
    expect(request.messages).toHaveLength(1);
    expect(requestParts(request.messages[0].text)).toEqual({
      rubric: RUBRIC,
      scale: 5,
      reference: 'Yes, within 30 days: start it from the Orders page.',
      answer: 'Yes, within 30 days.',
    });
    expect(request.messages[0].text).toContain('system: Answer briefly.\nuser: Can I get a refund after 20 days?');
  });

  it('leaves the reference out when the example gives none', () => {
    const request = judgeRequest(examples[1], SCORER, 'Refunds take 30 days.', []);
    expect(requestParts(request.messages[0].text).reference).toBeUndefined();
    expect(request.messages[0].text).not.toContain('<reference>');
  });

  it("is blind to who answered: the model's names are taken out of the answer", () => {
    const request = judgeRequest(
      examples[0],
      SCORER,
      'As Amazon Nova Micro (us.amazon.nova-micro-v1:0, catalog id nova-micro) I say yes.',
      ['nova-micro', 'Amazon Nova Micro', 'amazon.nova-micro-v1:0'],
    );
    const answer = requestParts(request.messages[0].text).answer;
    expect(answer).toBe(`As ${REDACTED} (us.${REDACTED}, catalog id ${REDACTED}) I say yes.`);
    expect(request.messages[0].text).not.toMatch(/nova/i);
  });
});

describe('parseVerdict', () => {
  it('reads the score and the reason, also from a fenced reply, and maps the scale onto 0..1', () => {
    const v = parseVerdict('Here:\n```json\n{"score": 4, "reason": "meets the rubric"}\n```', 5);
    expect(v).toEqual({ score: 4, scale: 5, reason: 'meets the rubric' });
    expect(normalized(v as { score: number; scale: number; reason: string })).toBe(0.75);
  });

  it('fails on a score off the scale, a fraction, or no JSON', () => {
    expect(parseVerdict('{"score": 6}', 5)).toEqual({
      error: "the judge's score must be a whole number from 1 to 5, but it gave 6",
    });
    expect(parseVerdict('{"score": 3.5}', 5)).toEqual({
      error: "the judge's score must be a whole number from 1 to 5, but it gave 3.5",
    });
    expect(parseVerdict('Four out of five.', 5)).toEqual({
      error: 'the judge did not answer JSON: "Four out of five."',
    });
  });
});

describe('the simulated judge', () => {
  it('is deterministic and scores by overlap with the reference, else by the rubric words used', () => {
    const good = judgeRequest(examples[0], SCORER, 'Yes, within 30 days: start it from the Orders page.', []);
    const poor = judgeRequest(examples[0], SCORER, 'I am not sure.', []);
    expect(simulatedVerdict(good.messages[0].text)).toBe(simulatedVerdict(good.messages[0].text));
    expect(JSON.parse(simulatedVerdict(good.messages[0].text))).toEqual({
      score: 5,
      reason: 'token overlap with the reference answer is 1.00',
    });
    expect(JSON.parse(simulatedVerdict(poor.messages[0].text))).toMatchObject({ score: 1 });
    const rubricOnly = judgeRequest(examples[1], SCORER, RUBRIC, []);
    expect(JSON.parse(simulatedVerdict(rubricOnly.messages[0].text))).toEqual({
      score: 5,
      reason: "the answer uses 100% of the rubric's key words",
    });
  });
});

describe('runEvaluation with a judge scorer', () => {
  it('reports the judge score and reason per example, counts the judge calls apart, and never shows the judge who answered', async () => {
    const judgeSaw: SimPrompt[] = [];
    const judge: SimulatedModel = {
      answer: (p) => {
        judgeSaw.push(p);
        return simulatedVerdict(p.text);
      },
      delayMs: () => 0,
    };
    const answerer = (good: boolean, name: string): SimulatedModel => ({
      answer: (p) =>
        p.text.startsWith('Can I')
          ? good
            ? `${name} here: yes, within 30 days: start it from the Orders page.`
            : `${name} here: no.`
          : RUBRIC,
      delayMs: () => 0,
    });
    const target = await localTarget(catalog, 'us-east-1', {
      'nova-micro': answerer(true, 'Amazon Nova Micro'),
      'claude-haiku-4-5': answerer(false, 'Claude Haiku 4.5'),
      'claude-sonnet-4': judge,
    });
    const identities = (id: string) => {
      const m = catalog.models.find((x) => x.id === id)!;
      return [m.id, m.name, m.hosting.type === 'bedrock' ? m.hosting.modelId : m.id];
    };
    const run = await runEvaluation({ examples, models: ['nova-micro', 'claude-haiku-4-5'], target, identities });
    await target.close();

    expect(run.results.map((r) => [r.model, r.exampleId, r.judge?.score, r.score])).toEqual([
      ['nova-micro', 'with-reference', 5, 1],
      ['nova-micro', 'rubric-only', 5, 1],
      ['claude-haiku-4-5', 'with-reference', 1, 0],
      ['claude-haiku-4-5', 'rubric-only', 5, 1],
    ]);
    expect(run.results[2].detail).toBe('judge claude-sonnet-4: 1/5 token overlap with the reference answer is 0.00');
    // Blind: the judge saw the same instructions for every answer and no answering model's name.
    expect(judgeSaw).toHaveLength(4);
    for (const p of judgeSaw) {
      expect(p.system).toBe(JUDGE_SYSTEM);
      expect(p.text).not.toMatch(/nova|haiku/i);
    }
    // The judge's own tokens are recorded and priced at the judge model's prices, apart from the model's cost.
    const summaries = summarize(run.results, catalog);
    const micro = summaries.find((s) => s.model === 'nova-micro')!;
    const judged = run.results.filter((r) => r.model === 'nova-micro').map((r) => r.judge!);
    const inputTokens = judged.reduce((s, j) => s + j.inputTokens, 0);
    const outputTokens = judged.reduce((s, j) => s + j.outputTokens, 0);
    expect(inputTokens).toBeGreaterThan(0);
    expect(micro.judging).toMatchObject({ judged: 2, inputTokens, outputTokens });
    expect(micro.judging?.costUsd).toBeCloseTo(
      tokenCostUsd(
        catalog.models.find((m) => m.id === 'claude-sonnet-4'),
        inputTokens,
        outputTokens,
      )!,
      12,
    );
    expect(micro.costUsd).toBe(
      tokenCostUsd(
        catalog.models.find((m) => m.id === 'nova-micro'),
        micro.inputTokens,
        micro.outputTokens,
      ),
    );
  });

  it('scores 0 and says why when the judge gives no verdict it can read', async () => {
    const target = await localTarget(catalog, 'us-east-1', {
      'nova-micro': { answer: () => 'yes', delayMs: () => 0 },
      'claude-sonnet-4': { answer: () => 'Looks fine to me.', delayMs: () => 0 },
    });
    const run = await runEvaluation({ examples: examples.slice(0, 1), models: ['nova-micro'], target });
    await target.close();
    expect(run.results[0]).toMatchObject({
      ok: true,
      score: 0,
      detail: 'not judged: the judge did not answer JSON: "Looks fine to me."',
      judge: { model: 'claude-sonnet-4', reason: 'the judge did not answer JSON: "Looks fine to me."' },
    });
    expect(run.results[0].judge?.score).toBeUndefined();
  });
});
