import { applicationProfileArn, type TableModel, type TableRoute } from '../../contracts/routing-table';
import type { Backend, ModelAnswer } from './backends/backend';
import { backoffMs, sleep } from './backoff';
import type { CircuitBreaker, Transition } from './circuit';
import { CONFIGURATION_FAULTS, ERROR_ACTIONS, type ErrorKind } from '../../contracts/error-kinds';
import { classifyError, platformValidationFault } from './error-kinds';
import { AllCandidatesFailedError, BackendError, ModelRejectedRequestError } from './errors';
import { log } from './log';
import type { RouterRequest } from './request';
import type { AttemptRecord } from './routing-record';
import type { Candidate } from './select';

/** Why an attempt failed: our own abort, a backend's stated kind, or the SDK error's name and status. */
function kindOf(err: unknown, signal: AbortSignal): ErrorKind {
  if (signal.aborted) return 'timeout';
  if (err instanceof BackendError) return err.kind;
  return classifyError(err);
}

export interface InvokeDeps {
  readonly breaker: CircuitBreaker;
  readonly backends: Readonly<Record<TableModel['hosting'], Backend>>;
  readonly random?: () => number;
}

export interface InvokeContext {
  readonly route: TableRoute;
  readonly request: RouterRequest;
  readonly candidates: readonly Candidate[];
  /** The consumer whose key made the request (contracts/consumer.ts), for its application inference profile. */
  readonly consumer?: string;
  readonly onTransition: (modelId: string, region: string, transition: Exclude<Transition, undefined>) => void;
}

export interface Invocation {
  readonly answer: ModelAnswer;
  readonly modelId: string;
  readonly region: string;
  readonly attempts: readonly AttemptRecord[];
  /** Candidates or Regions passed over because their circuit was open. */
  readonly circuitSkips: readonly { readonly model: string; readonly reason: string }[];
}

/**
 * The router's one retry loop. For each candidate model, each of its target Regions in order
 * (failover before moving to another model), up to attemptsPerModel attempts with full-jitter
 * backoff on retryable kinds; an abort signal per attempt (attemptTimeoutMs) and the route's
 * latencyBudgetMs over everything. An open circuit skips that model in that Region.
 */
export async function invokeCandidates(deps: InvokeDeps, ctx: InvokeContext): Promise<Invocation> {
  const { resilience } = ctx.route;
  const deadline = Date.now() + resilience.latencyBudgetMs;
  const attempts: AttemptRecord[] = [];
  const circuitSkips: { model: string; reason: string }[] = [];
  let lastKind: ErrorKind | undefined;
  let lastError: unknown;
  let largerThan = 0;
  /** The messages of the candidates that rejected the request as invalid (ValidationException about the request). */
  const rejections: string[] = [];
  /** How each model and Region ended for this request: the kind of its failed series, or of the failures that opened its circuit. */
  const outcomes: ErrorKind[] = [];
  /** The earliest time a skipped circuit lets calls through again. */
  let reopensAt = Infinity;
  const probeLeaseMs = resilience.attemptTimeoutMs * resilience.attemptsPerModel + 1000;

  for (const candidate of ctx.candidates) {
    if (candidate.model.contextWindowTokens <= largerThan) continue;
    const backend = deps.backends[candidate.model.hosting];
    targets: for (const target of candidate.model.targets) {
      // A retryable failure is held back while a retry on the same model and Region may still
      // answer: a throttle the retry absorbed is no failure for the circuit, only a series that
      // ends failed counts (once, with the kind of its last failure).
      let held: ErrorKind | undefined;
      // The failure is counted off the request path (the breaker's write does not hold the answer up).
      const countHeld = (): void => {
        if (held === undefined) return;
        const kind = held;
        held = undefined;
        outcomes.push(kind);
        void deps.breaker
          .failure(candidate.modelId, target.region, kind, resilience.circuitBreaker)
          .then((opened) => opened && ctx.onTransition(candidate.modelId, target.region, opened))
          .catch((err: unknown) => log('error', 'circuit transition not recorded', { error: String(err) }));
      };
      const budgetSpent = (): AllCandidatesFailedError => {
        countHeld();
        return new AllCandidatesFailedError(
          `the route's latency budget of ${resilience.latencyBudgetMs} ms ran out`,
          attempts,
          'budget',
          { cause: lastError },
        );
      };
      for (let attempt = 1; attempt <= resilience.attemptsPerModel; attempt++) {
        if (deadline - Date.now() <= 0) throw budgetSpent();
        // The breaker's own calls are inside the budget: it waits at most what is left of it.
        const { admission, item } = await deps.breaker.admission(
          candidate.modelId,
          target.region,
          probeLeaseMs,
          deadline - Date.now(),
        );
        if (admission === 'open') {
          countHeld();
          outcomes.push(item?.lastErrorKind ?? 'unknown');
          const until = item?.state === 'HALF_OPEN' ? item.probeUntil : item?.openUntil;
          if (until !== undefined) reopensAt = Math.min(reopensAt, until);
          circuitSkips.push({ model: candidate.modelId, reason: `circuit open in ${target.region}` });
          continue targets;
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw budgetSpent();
        const signal = AbortSignal.timeout(Math.min(resilience.attemptTimeoutMs, remaining));
        const started = performance.now();
        try {
          const answer = await backend.invoke({
            model: candidate.model,
            // The route's application inference profile there (cost allocation), else the model's own id.
            targetId: applicationProfileArn(ctx.route, candidate.modelId, target.region, ctx.consumer) ?? target.id,
            region: target.region,
            request: ctx.request,
            guardrail: ctx.route.guardrail,
            signal,
          });
          attempts.push({
            model: candidate.modelId,
            region: target.region,
            latencyMs: Math.round(performance.now() - started),
          });
          held = undefined;
          void deps.breaker
            .success(candidate.modelId, target.region, admission, resilience.circuitBreaker)
            .then((closed) => closed && ctx.onTransition(candidate.modelId, target.region, closed))
            .catch((err: unknown) => log('error', 'circuit transition not recorded', { error: String(err) }));
          return { answer, modelId: candidate.modelId, region: target.region, attempts, circuitSkips };
        } catch (err) {
          const kind = kindOf(err, signal);
          const failure = err instanceof Error ? err : new Error(String(err));
          attempts.push({
            model: candidate.modelId,
            region: target.region,
            errorKind: kind,
            latencyMs: Math.round(performance.now() - started),
          });
          lastKind = kind;
          lastError = err;
          const action = ERROR_ACTIONS[kind];
          const retrying = action === 'retry' && attempt < resilience.attemptsPerModel && admission !== 'probe';
          held = kind;
          if (!retrying) countHeld();
          if (CONFIGURATION_FAULTS.has(kind)) {
            const platform = platformValidationFault(err);
            log('error', 'ALERT configuration fault calling a model', {
              alert: true,
              model: candidate.modelId,
              region: target.region,
              targetId: target.id,
              errorKind: kind,
              error: failure.name,
              // A ValidationException that names the target, not the request (error-kinds.ts): its message is AWS's, about the configuration.
              ...(platform ? { fault: platform.fault, detail: failure.message.slice(0, 300) } : {}),
            });
          }
          if (action === 'caller-fault') {
            // A rejection of a request the router has validated may be this model's own limit: the
            // next candidate gets it once (no retry, no other Region of this model); only a request
            // every candidate asked rejects is the caller's (after the loop).
            rejections.push(failure.message);
            break targets;
          }
          if (kind === 'context-length') {
            largerThan = candidate.model.contextWindowTokens;
            break targets;
          }
          if (!retrying) continue targets;
          const delay = Math.min(
            backoffMs(attempt, resilience.backoff, deps.random),
            Math.max(0, deadline - Date.now()),
          );
          if (delay > 0) await sleep(delay);
        }
      }
    }
  }
  if (rejections.length > 0 && attempts.every((a) => a.errorKind === 'invalid-request'))
    throw new ModelRejectedRequestError(
      rejections.length === 1
        ? `the model rejected the request: ${rejections[0]}`
        : `every candidate rejected the request (${rejections.length} models); the first said: ${rejections[0]}`,
      attempts,
      { cause: lastError },
    );
  // Every model and Region throttled, whether this request saw it or the circuit had already opened
  // on it: one condition, one answer, 429 with the time to wait.
  if (outcomes.length > 0 && outcomes.every((k) => k === 'throttled')) {
    const waitMs = Number.isFinite(reopensAt) ? reopensAt - Date.now() : resilience.backoff.maxMs;
    throw new AllCandidatesFailedError(
      `every candidate is throttled (${attempts.length} attempts, ${circuitSkips.length} circuits open on throttling)`,
      attempts,
      'throttled',
      { cause: lastError },
      Math.max(1, Math.ceil(waitMs / 1000)),
    );
  }
  const tried =
    attempts.length === 0
      ? 'every candidate was skipped (circuits open)'
      : `${attempts.length} attempts failed, the last ${lastKind ?? 'unknown'}`;
  throw new AllCandidatesFailedError(
    `no candidate answered: ${tried}`,
    attempts,
    attempts.length === 0 ? 'unavailable' : lastKind === 'throttled' ? 'unavailable' : (lastKind ?? 'unknown'),
    { cause: lastError },
  );
}
