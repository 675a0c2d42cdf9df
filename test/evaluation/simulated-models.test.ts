import { loadProject } from '../../catalog';
import { readDataset } from '../../evaluation/dataset';
import {
  LOCAL_LATENCY_DIVISOR,
  defaultSimulatedModel,
  examplePrompt,
  goodAnswer,
  poorAnswer,
} from '../../evaluation/simulated-models';
import { scoreAnswer } from '../../evaluation/scorers';
import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';

const catalog = loadProject({ only: ['prod'] }).catalog;
const { examples } = readDataset(join(projectRoot, 'evaluation/datasets/multilingual.jsonl'));
const modelOf = (id: string) => catalog.models.find((m) => m.id === id)!;

describe('defaultSimulatedModel', () => {
  it('answers each example either well (scoring 1) or poorly (scoring less), the same way every time', () => {
    const a = defaultSimulatedModel(modelOf('mistral-large'), examples);
    const b = defaultSimulatedModel(modelOf('mistral-large'), examples);
    for (const e of examples) {
      const answer = a.answer(examplePrompt(e));
      expect(b.answer(examplePrompt(e))).toBe(answer);
      expect([goodAnswer(e), poorAnswer(e)]).toContain(answer);
      if (e.scorer.type === 'judge') throw new Error('multilingual.jsonl is scored deterministically');
      expect(scoreAnswer(e.scorer, e.expected, goodAnswer(e)).score).toBe(1);
      expect(scoreAnswer(e.scorer, e.expected, poorAnswer(e)).score).toBeLessThan(1);
    }
  });

  it('gives different models different answers, so quality differences come from scoring', () => {
    const answers = (id: string) =>
      examples.map((e) => defaultSimulatedModel(modelOf(id), examples).answer(examplePrompt(e)));
    expect(answers('mistral-large')).not.toEqual(answers('nova-micro'));
  });

  it('waits the latency prior ÷ LOCAL_LATENCY_DIVISOR, ±25%, and ignores measured figures', () => {
    const micro = modelOf('nova-micro'); // low-latency: 600 ms prior, so 30 ms ± 25%
    const measured = {
      ...micro,
      performance: { latencyP50Ms: 5000, quality: 0, source: 'earlier run', measuredAt: '2026-11-01' },
    };
    for (const e of examples) {
      const d = defaultSimulatedModel(micro, examples).delayMs(examplePrompt(e));
      expect(d).toBeGreaterThanOrEqual(Math.floor((600 / LOCAL_LATENCY_DIVISOR) * 0.75));
      expect(d).toBeLessThanOrEqual(Math.ceil((600 / LOCAL_LATENCY_DIVISOR) * 1.25));
      expect(defaultSimulatedModel(measured, examples).delayMs(examplePrompt(e))).toBe(d);
      expect(defaultSimulatedModel(measured, examples).answer(examplePrompt(e))).toBe(
        defaultSimulatedModel(micro, examples).answer(examplePrompt(e)),
      );
    }
  });
});
