import type { Model } from '../schemas/generated/model-catalog';
import type { Behaviour, SimPrompt } from '../sim/http-sim';
import { latencyOf, qualityOf } from '../selection/figures';
import type { Example } from './dataset';
import { DEFAULT_JUDGE_SCALE, JUDGE_SYSTEM, requestParts } from './judge';
import { tokenF1, tokens } from './scorers';

/** How a model behaves in the local simulator: a deterministic answer and delay for each prompt. */
export interface SimulatedModel {
  answer(prompt: SimPrompt): string;
  delayMs(prompt: SimPrompt): number;
  /** The first n calls fail with errorType (default ThrottlingException), as the simulator's failFirst. */
  readonly failFirst?: number;
  readonly errorType?: string;
}

/** The simulator behaviour of a simulated model. */
export function simulatedBehaviour(model: SimulatedModel): Behaviour {
  return {
    reply: (prompt) => ({ answer: model.answer(prompt), delayMs: model.delayMs(prompt) }),
    ...(model.failFirst !== undefined
      ? { failFirst: model.failFirst, errorType: model.errorType ?? 'ThrottlingException' }
      : {}),
  };
}

/** The key of an example as the simulator sees it: its system text and last user message. */
export function promptKey(prompt: SimPrompt): string {
  return `${prompt.system}\u0000${prompt.text}`;
}

export function examplePrompt(example: Example): SimPrompt {
  const lastUser = [...example.messages].reverse().find((m) => m.role === 'user');
  return { system: example.system ?? '', text: lastUser?.text ?? '' };
}

/** A number in [0, 1) from a string: FNV-1a, so the same model and example always draw the same. */
export function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h / 2 ** 32;
}

/** Simulated delays are the catalog's latency prior divided by this, so a local run takes seconds. */
export const LOCAL_LATENCY_DIVISOR = 20;

/** What a model that knows the answer says: the expected answer in the form its scorer reads (for a judge without a reference, the rubric). */
export function goodAnswer(example: Example): string {
  const e = example.expected;
  if (Array.isArray(e)) return e.join(', ');
  if (example.scorer.type === 'regex' && example.scorer.pattern === undefined) return '';
  if (example.scorer.type === 'json-schema') return typeof e === 'string' ? e : '{}';
  // With no reference, a good answer does what the rubric asks: in the simulator, it says it.
  if (example.scorer.type === 'judge' && e === undefined) return example.scorer.rubric;
  return e === undefined ? '' : String(e);
}

/** What a model that does not know says: for similarity and judge scoring the first half of the expected words (partial credit), else a shrug. */
export function poorAnswer(example: Example): string {
  if (
    (example.scorer.type === 'similarity' || example.scorer.type === 'judge') &&
    typeof example.expected === 'string'
  ) {
    const words = example.expected.split(/\s+/);
    return words.slice(0, Math.ceil(words.length / 2)).join(' ');
  }
  return 'I am not sure.';
}

/**
 * The simulated judge's reply to a judge request: deterministic, and telling good answers from
 * poor ones the way a careful judge would on these datasets. With a reference answer, the score
 * rises with the answer's token F1 against it (1 + round((scale − 1) × F1)); without one, with the
 * share of the rubric's content words (4 letters or more) the answer uses. The reason says which.
 */
export function simulatedVerdict(request: string): string {
  const { scale = DEFAULT_JUDGE_SCALE, reference, rubric = '', answer = '' } = requestParts(request);
  let fit: number;
  let reason: string;
  if (reference !== undefined) {
    fit = tokenF1(answer, reference);
    reason = `token overlap with the reference answer is ${fit.toFixed(2)}`;
  } else {
    const wanted = [...new Set(tokens(rubric).filter((t) => t.length >= 4))];
    const used = new Set(tokens(answer));
    fit = wanted.length === 0 ? 0 : wanted.filter((w) => used.has(w)).length / wanted.length;
    reason = `the answer uses ${Math.round(fit * 100)}% of the rubric's key words`;
  }
  return JSON.stringify({ score: 1 + Math.round((scale - 1) * fit), reason });
}

/**
 * The default local stand-in for a catalog model, deterministic per (model, example): it answers
 * an example well when unitHash(model|example) is below its quality prior (from its strengths,
 * never from measured figures, so writing local results back cannot feed on itself), else poorly;
 * it waits its latency prior ÷ LOCAL_LATENCY_DIVISOR, ±25% by another hash of the prompt. Sent a
 * judge request (the judge's fixed system text), it answers as the simulated judge.
 */
export function defaultSimulatedModel(model: Model, examples: readonly Example[]): SimulatedModel {
  const unmeasured: Model = { ...model, performance: undefined };
  const skill = qualityOf(unmeasured).value;
  const baseMs = latencyOf(unmeasured).value / LOCAL_LATENCY_DIVISOR;
  const byPrompt = new Map(examples.map((e) => [promptKey(examplePrompt(e)), e]));
  return {
    answer(prompt) {
      if (prompt.system === JUDGE_SYSTEM) return simulatedVerdict(prompt.text);
      const example = byPrompt.get(promptKey(prompt));
      if (example === undefined) return 'I am not sure.';
      return unitHash(`${model.id}|${example.id}|answer`) < skill ? goodAnswer(example) : poorAnswer(example);
    },
    delayMs(prompt) {
      return Math.round(baseMs * (0.75 + 0.5 * unitHash(`${model.id}|${promptKey(prompt)}|delay`)));
    },
  };
}
