import type { Example } from './dataset';
import { scoreAnswer } from './scorers';
import { TargetCallError, type EvalTarget } from './targets';

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

const sleepFor = (ms: number, signal?: AbortSignal): Promise<void> =>
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

  const one = async (model: string, example: Example): Promise<CallResult | undefined> => {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) return undefined;
      try {
        const reply = await target.invoke(model, example, signal ?? new AbortController().signal);
        const s = scoreAnswer(example.scorer, example.expected, reply.text);
        return {
          exampleId: example.id,
          requested: model,
          model: reply.model,
          ok: true,
          score: s.score,
          detail: s.detail,
          answer: reply.text,
          latencyMs: reply.latencyMs,
          inputTokens: reply.inputTokens,
          outputTokens: reply.outputTokens,
          attempts: attempt,
        };
      } catch (err) {
        if (signal?.aborted) return undefined;
        if (isThrottling(err) && attempt < maxAttempts) {
          await sleep(random() * Math.min(backoff.maxMs, backoff.baseMs * 2 ** (attempt - 1)), signal);
          continue;
        }
        return {
          exampleId: example.id,
          requested: model,
          model,
          ok: false,
          score: 0,
          detail: `call failed: ${err instanceof Error ? err.message : String(err)}`,
          attempts: attempt,
        };
      }
    }
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
