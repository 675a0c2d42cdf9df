import type { Example } from './dataset';
import { DEFAULT_JUDGE_SCALE, judgeRequest, normalized, parseVerdict } from './judge';
import { scoreAnswer, type JudgeScorer } from './scorers';
import { TargetCallError, type EvalTarget, type Reply } from './targets';

/** What the judge model said about one answer, and what asking it cost. */
export interface JudgeRecord {
  readonly model: string;
  /** On the judge's scale; absent when the judge failed or gave no readable verdict. */
  readonly score?: number;
  readonly scale: number;
  readonly reason: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly attempts: number;
}

/** The outcome of one example sent to one model. */
export interface CallResult {
  readonly exampleId: string;
  /** The model asked (for `api`, the route). */
  readonly requested: string;
  /** The model that answered (for `api`, the one the route chose); the one asked when the call failed. */
  readonly model: string;
  readonly ok: boolean;
  /** The score, 0..1; 0 for a failed call. */
  readonly score: number;
  readonly detail: string;
  readonly answer?: string;
  readonly latencyMs?: number;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Calls made, throttled ones included. */
  readonly attempts: number;
  /** For a judge-scored example: the judge's verdict and its own token usage. */
  readonly judge?: JudgeRecord;
}

export interface RunOptions {
  readonly examples: readonly Example[];
  readonly models: readonly string[];
  readonly target: EvalTarget;
  /** Calls in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Attempts per example when throttled. Default 5. */
  readonly maxAttempts?: number;
  /** Full-jitter exponential backoff between throttled attempts. Default 200 ms doubling to 5 s. */
  readonly backoff?: { readonly baseMs: number; readonly maxMs: number };
  /** Stops the run: no new calls start, calls in flight are cancelled and left out. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** Where judge models are called. Default: the target. */
  readonly judgeTarget?: EvalTarget;
  /** The names of a model the judge must not read in its answer (id, display name, Bedrock id). */
  readonly identities?: (model: string) => readonly string[];
  readonly random?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RunResult {
  readonly results: readonly CallResult[];
  /** Model × example pairs planned. */
  readonly planned: number;
  readonly interrupted: boolean;
}

const THROTTLED = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'ModelNotReadyException',
]);

/** Whether a failed call is worth retrying after a pause (throttling and its kin). */
export function isThrottling(err: unknown): boolean {
  return err instanceof TargetCallError && (THROTTLED.has(err.errorName) || err.status === 429);
}

/** Waits `ms`, or less when `signal` aborts (resolving, not rejecting: the caller checks the signal). */
export const sleepFor = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/**
 * Sends every example to every model with bounded concurrency, retrying throttled calls with
 * jittered exponential backoff, and scores each answer. Results come back in plan order (model by
 * model, example by example); an interrupted run returns the calls that finished.
 */
export async function runEvaluation(options: RunOptions): Promise<RunResult> {
  const { examples, models, target, signal } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const backoff = options.backoff ?? { baseMs: 200, maxMs: 5000 };
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? sleepFor;
  const jobs = models.flatMap((model) => examples.map((example) => ({ model, example })));
  const slots: (CallResult | undefined)[] = new Array<CallResult | undefined>(jobs.length).fill(undefined);
  let next = 0;
  let done = 0;

  /** One call with jittered backoff on throttling; the error of the last attempt when it fails. */
  const attempt = async (
    call: () => Promise<Reply>,
  ): Promise<{ reply: Reply; attempts: number } | { error: unknown; attempts: number } | undefined> => {
    for (let n = 1; ; n++) {
      if (signal?.aborted) return undefined;
      try {
        return { reply: await call(), attempts: n };
      } catch (err) {
        if (signal?.aborted) return undefined;
        if (isThrottling(err) && n < maxAttempts) {
          await sleep(random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** (n - 1)), signal);
          continue;
        }
        return { error: err, attempts: n };
      }
    }
  };
  const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

  /** The judge's verdict on an answer, scored 0..1; a failed or unreadable judge scores 0 and says why. */
  const judged = async (
    model: string,
    example: Example,
    scorer: JudgeScorer,
    answer: string,
  ): Promise<{ score: number; detail: string; judge: JudgeRecord } | undefined> => {
    const scale = scorer.scale ?? DEFAULT_JUDGE_SCALE;
    const request = judgeRequest(example, scorer, answer, options.identities?.(model) ?? [model]);
    const judgeTarget = options.judgeTarget ?? target;
    const got = await attempt(() => judgeTarget.invoke(scorer.judge, request, signal ?? new AbortController().signal));
    if (got === undefined) return undefined;
    const base = { model: scorer.judge, scale, attempts: got.attempts };
    if ('error' in got) {
      const reason = `judge call failed: ${message(got.error)}`;
      return { score: 0, detail: `not judged: ${reason}`, judge: { ...base, reason, inputTokens: 0, outputTokens: 0 } };
    }
    const usage = { inputTokens: got.reply.inputTokens, outputTokens: got.reply.outputTokens };
    const verdict = parseVerdict(got.reply.text, scale);
    if ('error' in verdict)
      return { score: 0, detail: `not judged: ${verdict.error}`, judge: { ...base, reason: verdict.error, ...usage } };
    return {
      score: normalized(verdict),
      detail: `judge ${scorer.judge}: ${verdict.score}/${scale} ${verdict.reason}`.trim(),
      judge: { ...base, score: verdict.score, reason: verdict.reason, ...usage },
    };
  };

  const one = async (model: string, example: Example): Promise<CallResult | undefined> => {
    const got = await attempt(() => target.invoke(model, example, signal ?? new AbortController().signal));
    if (got === undefined) return undefined;
    if ('error' in got)
      return {
        exampleId: example.id,
        requested: model,
        model,
        ok: false,
        score: 0,
        detail: `call failed: ${message(got.error)}`,
        attempts: got.attempts,
      };
    const { reply } = got;
    const scored: { score: number; detail: string; judge?: JudgeRecord } | undefined =
      example.scorer.type === 'judge'
        ? await judged(reply.model, example, example.scorer, reply.text)
        : scoreAnswer(example.scorer, example.expected, reply.text);
    if (scored === undefined) return undefined;
    return {
      exampleId: example.id,
      requested: model,
      model: reply.model,
      ok: true,
      score: scored.score,
      detail: scored.detail,
      answer: reply.text,
      latencyMs: reply.latencyMs,
      inputTokens: reply.inputTokens,
      outputTokens: reply.outputTokens,
      attempts: got.attempts,
      ...(scored.judge ? { judge: scored.judge } : {}),
    };
  };

  const worker = async (): Promise<void> => {
    while (next < jobs.length && !signal?.aborted) {
      const index = next++;
      const result = await one(jobs[index].model, jobs[index].example);
      if (result === undefined) return;
      slots[index] = result;
      done++;
      options.onProgress?.(done, jobs.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, jobs.length) }, () => worker()));
  return {
    results: slots.filter((r): r is CallResult => r !== undefined),
    planned: jobs.length,
    interrupted: signal?.aborted === true || done < jobs.length,
  };
}
