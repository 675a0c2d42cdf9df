import type { Example } from './dataset';
import { jsonIn, type JudgeScorer } from './scorers';

/** The judge's scale when a dataset line gives none: 1 to 5. */
export const DEFAULT_JUDGE_SCALE = 5;

/**
 * The judge's instructions: the same for every example and every model, so no answer is judged
 * by different words. Single-answer grading (one answer at a time, never a pair) leaves no
 * position to prefer; length, style and confidence are named as not counting (verbosity bias);
 * the judge is told it does not know the author, and the answer it reads has the author's names
 * taken out (self-preference and brand bias). Judge requests are sent at temperature 0.
 */
export const JUDGE_SYSTEM =
  'You are an impartial evaluator. You score one answer at a time against the rubric you are given, ' +
  'and against the reference answer when one is given. Judge only whether the answer does what the ' +
  'rubric asks. Length, style and confidence do not earn points: a short answer that meets the rubric ' +
  'scores as high as a long one, and padding or repetition scores lower. You are not told which model ' +
  'wrote the answer; do not guess. Reply with JSON only: {"score": <integer on the scale>, "reason": "<one sentence>"}.';

/** What stands in for an answering model's own names in the text the judge reads. */
export const REDACTED = '[model]';

/** The judge's verdict on one answer. */
export interface Verdict {
  /** On the judge's scale, 1..scale. */
  readonly score: number;
  readonly scale: number;
  readonly reason: string;
}

/** The text with each of the answering model's names (catalog id, display name, Bedrock id) replaced. */
export function redact(answer: string, identities: readonly string[]): string {
  return [...identities]
    .filter((i) => i.trim().length >= 3)
    .sort((a, b) => b.length - a.length)
    .reduce((text, id) => text.split(id).join(REDACTED), answer);
}

/**
 * The request a judge model is sent for one answer: the fixed system text, and one user message
 * with the rubric, the scale, the conversation the answer replies to, the reference answer when
 * the example gives one, and the answer with its author's names taken out.
 */
export function judgeRequest(
  example: Example,
  scorer: JudgeScorer,
  answer: string,
  identities: readonly string[],
): Example {
  const scale = scorer.scale ?? DEFAULT_JUDGE_SCALE;
  const conversation = [
    ...(example.system ? [`system: ${example.system}`] : []),
    ...example.messages.map((m) => `${m.role}: ${m.text}`),
  ].join('\n');
  const sections = [
    `<rubric>\n${scorer.rubric}\n</rubric>`,
    `<scale>1 to ${scale}</scale>`,
    `<conversation>\n${conversation}\n</conversation>`,
    ...(typeof example.expected === 'string' ? [`<reference>\n${example.expected}\n</reference>`] : []),
    `<answer>\n${redact(answer, identities)}\n</answer>`,
  ];
  return {
    id: `${example.id}#judge`,
    system: JUDGE_SYSTEM,
    messages: [{ role: 'user', text: sections.join('\n') }],
    // Never scored itself: the verdict is read by parseVerdict.
    scorer: { type: 'exact' },
    line: example.line,
    // The same answer judged twice gets the same verdict, as far as the model allows.
    temperature: 0,
  };
}

/** The judge's reply read as a verdict, or why it cannot be. */
export function parseVerdict(text: string, scale: number): Verdict | { error: string } {
  const value = jsonIn(text) as { score?: unknown; reason?: unknown } | undefined;
  if (value === undefined || typeof value !== 'object' || value === null)
    return { error: `the judge did not answer JSON: "${text.slice(0, 80)}"` };
  const { score, reason } = value;
  if (typeof score !== 'number' || !Number.isInteger(score) || score < 1 || score > scale)
    return {
      error: `the judge's score must be a whole number from 1 to ${scale}, but it gave ${JSON.stringify(score)}`,
    };
  return { score, scale, reason: typeof reason === 'string' ? reason : '' };
}

/** A verdict on the common 0..1 scale of every scorer: 1 → 0, scale → 1. */
export function normalized(verdict: Verdict): number {
  return (verdict.score - 1) / (verdict.scale - 1);
}

/** The parts of a judge request, read back (the simulated judge reads its prompt this way). */
export function requestParts(text: string): { rubric?: string; scale?: number; reference?: string; answer?: string } {
  const part = (tag: string) => new RegExp(`<${tag}>\\n?([\\s\\S]*?)\\n?</${tag}>`).exec(text)?.[1];
  const scale = /^1 to (\d+)$/.exec(part('scale') ?? '')?.[1];
  return {
    rubric: part('rubric'),
    ...(scale ? { scale: Number(scale) } : {}),
    reference: part('reference'),
    answer: part('answer'),
  };
}
