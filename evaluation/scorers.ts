import Ajv, { type ValidateFunction } from 'ajv';
import { editDistance } from '../suggest/did-you-mean';

/**
 * A judge model's score: a catalog model (called through the same target as the models evaluated)
 * reads a fixed rubric, the reference answer when the example gives one, and the answer — never
 * which model wrote it — and gives an integer from 1 to `scale` with a reason (evaluation/judge.ts).
 */
export interface JudgeScorer {
  readonly type: 'judge';
  /** What a good answer does, in the dataset's words; the same for every model judged. */
  readonly rubric: string;
  /** The top of the 1..scale integer scale. Default 5. */
  readonly scale?: number;
  /** The catalog id of the judge model. */
  readonly judge: string;
}

/** How an answer is scored, 0..1: deterministically, or by a judge model. */
export type Scorer = DeterministicScorer | JudgeScorer;

/** The scorers that need nothing but the answer and the expected value. */
export type DeterministicScorer =
  | { readonly type: 'exact'; readonly ignoreCase?: boolean; readonly normalizeWhitespace?: boolean }
  | { readonly type: 'contains'; readonly ignoreCase?: boolean; readonly match?: 'all' | 'any' }
  | { readonly type: 'regex'; readonly pattern?: string; readonly flags?: string }
  | { readonly type: 'json-schema'; readonly schema: Record<string, unknown> }
  | { readonly type: 'numeric'; readonly tolerance?: number; readonly relativeTolerance?: number }
  | { readonly type: 'similarity'; readonly metric?: 'token-f1' | 'levenshtein'; readonly threshold?: number };

export interface Score {
  /** 0..1 */
  readonly score: number;
  /** Why, in a few words. */
  readonly detail: string;
}

/** Trims, collapses runs of whitespace to one space and, unless told otherwise, lowercases. */
export function normalize(text: string, { ignoreCase = true, whitespace = true } = {}): string {
  const t = whitespace ? text.trim().replace(/\s+/g, ' ') : text;
  return ignoreCase ? t.toLowerCase() : t;
}

/** Words: runs of Unicode letters and digits, lowercased (so accents count: "é" ≠ "e"). */
export function tokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Token F1: the harmonic mean of precision and recall of the answer's words against the expected words (as multisets). */
export function tokenF1(answer: string, expected: string): number {
  const a = tokens(answer);
  const e = tokens(expected);
  if (a.length === 0 && e.length === 0) return 1;
  if (a.length === 0 || e.length === 0) return 0;
  const left = new Map<string, number>();
  for (const t of e) left.set(t, (left.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of a) {
    const n = left.get(t) ?? 0;
    if (n > 0) {
      common++;
      left.set(t, n - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / a.length;
  const recall = common / e.length;
  return (2 * precision * recall) / (precision + recall);
}

/** 1 − Levenshtein distance ÷ the longer length, on the normalized (trimmed, lowercased) texts. */
export function levenshteinSimilarity(answer: string, expected: string): number {
  const a = normalize(answer);
  const e = normalize(expected);
  const longer = Math.max(a.length, e.length);
  return longer === 0 ? 1 : 1 - editDistance(a, e) / longer;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles a json-schema scorer's schema once; returns the error message when it is not a schema. */
export function compileAnswerSchema(schema: Record<string, unknown>): { validate?: ValidateFunction; error?: string } {
  const known = compiled.get(schema);
  if (known) return { validate: known };
  try {
    const validate = ajv.compile(schema);
    compiled.set(schema, validate);
    return { validate };
  } catch (err) {
    return { error: `invalid JSON schema: ${(err as Error).message}` };
  }
}

/** The JSON in an answer: the whole text, or the body of a ```json fence, or the outermost {...} / [...]. */
export function jsonIn(answer: string): unknown {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(answer)?.[1];
  const candidates = [answer.trim(), fenced?.trim(), /[{[][\s\S]*[}\]]/.exec(answer)?.[0]];
  for (const c of candidates) {
    if (c === undefined || c === '') continue;
    try {
      return JSON.parse(c) as unknown;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

const NUMBER = /[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?/;

/** Scores an answer against what an example expects. Deterministic: the same inputs always give the same score. */
export function scoreAnswer(
  scorer: DeterministicScorer,
  expected: string | number | readonly string[] | undefined,
  answer: string,
): Score {
  switch (scorer.type) {
    case 'exact': {
      const opts = { ignoreCase: scorer.ignoreCase ?? true, whitespace: scorer.normalizeWhitespace ?? true };
      const ok = normalize(answer, opts) === normalize(String(expected), opts);
      return { score: ok ? 1 : 0, detail: ok ? 'exact match' : `expected "${String(expected)}"` };
    }
    case 'contains': {
      const wanted =
        typeof expected === 'string' ? [expected] : [...((expected as readonly string[] | undefined) ?? [])];
      const ignoreCase = scorer.ignoreCase ?? true;
      const hay = normalize(answer, { ignoreCase });
      const found = wanted.filter((w) => hay.includes(normalize(w, { ignoreCase })));
      const ok = (scorer.match ?? 'all') === 'all' ? found.length === wanted.length : found.length > 0;
      return {
        score: ok ? 1 : 0,
        detail: ok
          ? `contains ${found.map((f) => `"${f}"`).join(', ')}`
          : `missing ${wanted
              .filter((w) => !found.includes(w))
              .map((w) => `"${w}"`)
              .join(', ')}`,
      };
    }
    case 'regex': {
      const pattern = scorer.pattern ?? String(expected);
      const ok = new RegExp(pattern, scorer.flags).test(answer);
      return { score: ok ? 1 : 0, detail: ok ? `matches /${pattern}/` : `does not match /${pattern}/` };
    }
    case 'json-schema': {
      const value = jsonIn(answer);
      if (value === undefined) return { score: 0, detail: 'no JSON in the answer' };
      const { validate, error } = compileAnswerSchema(scorer.schema);
      if (!validate) return { score: 0, detail: error ?? 'invalid schema' };
      const ok = validate(value);
      return { score: ok ? 1 : 0, detail: ok ? 'valid against the schema' : ajv.errorsText(validate.errors) };
    }
    case 'numeric': {
      const m = NUMBER.exec(answer);
      if (!m) return { score: 0, detail: 'no number in the answer' };
      const got = Number(m[0].replace(/,/g, ''));
      const want = Number(expected);
      const allowed = Math.max(scorer.tolerance ?? 0, (scorer.relativeTolerance ?? 0) * Math.abs(want));
      const ok = Math.abs(got - want) <= allowed;
      return { score: ok ? 1 : 0, detail: `${got} vs ${want} ± ${allowed}` };
    }
    case 'similarity': {
      const metric = scorer.metric ?? 'token-f1';
      const s =
        metric === 'token-f1' ? tokenF1(answer, String(expected)) : levenshteinSimilarity(answer, String(expected));
      if (scorer.threshold === undefined) return { score: s, detail: `${metric} ${s.toFixed(2)}` };
      return {
        score: s >= scorer.threshold ? 1 : 0,
        detail: `${metric} ${s.toFixed(2)} ${s >= scorer.threshold ? '≥' : '<'} ${scorer.threshold}`,
      };
    }
  }
}
