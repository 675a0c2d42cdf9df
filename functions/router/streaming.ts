import type { ContentBlock, ToolUseBlock } from '@aws-sdk/client-bedrock-runtime';
import type { TableModel } from '../../contracts/routing-table';
import { didYouMean } from '../../suggest/did-you-mean';
import type { Backend, ModelAnswer, ModelCall } from './backends/backend';
import { STREAM_BACKENDS } from './backends';
import type { StreamEvent, StreamingBackend } from './backends/stream';
import { classifyError } from './error-kinds';
import { AllCandidatesFailedError, BackendError, NoCandidateError, NotFoundError, RouterError } from './errors';
import { requestFeatures } from './features';
import { invokeCandidates } from './invoke';
import { log } from './log';
import { recordRequest, recordTransition } from './observe';
import { costOf } from './spend';
import type { RouterRequest } from './request';
import { coolDownSeconds } from './retry-after';
import { strippedHeader, type RoutingRecord } from './routing-record';
import { strippedOf } from './model-fields';
import { selectCandidates } from './select';
import type { RouterDeps } from './serve';

/**
 * Streamed answers. The router's one retry loop (invoke.ts) runs unchanged over "streaming
 * backends" whose call returns once the model's first token is there: a candidate that fails, or
 * stays silent past the route's firstTokenTimeoutMs, is abandoned for the next exactly as a whole
 * call is. Once the first token is out, the stream is the caller's: a later failure ends it with an
 * error event in the API's own format (never a silent truncation), counts for the circuit, and the
 * routing record goes out as the last event.
 */

/** The model stayed silent past the route's first-token timeout: a timeout, like an aborted call. */
export class FirstTokenTimeoutError extends BackendError {
  readonly kind = 'timeout';
}

/** A model stream that went quiet after its first token for longer than the route's attempt timeout. */
export class StreamIdleError extends BackendError {
  readonly kind = 'timeout';
}

/** A model stream that broke after its first token. */
export class StreamInterruptedError extends RouterError {
  readonly status = 502;
  readonly code = 'model_stream_failed';
}

/**
 * A stream opened up to its first token: what the retry loop returns as the "answer" of a
 * streaming backend. The events read so far (messageStart, the first token) and the rest.
 */
export class OpenedStream implements ModelAnswer {
  readonly content: ContentBlock[] = [];
  readonly stopReason = 'end_turn';
  readonly usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };
  constructor(
    readonly head: readonly StreamEvent[],
    readonly rest: AsyncIterator<StreamEvent>,
    /** Aborts the model's HTTP response (the caller went away, or the stream went idle). */
    readonly abort: (reason?: unknown) => void,
  ) {}
}

/** An event that carries output: the first token. */
const isToken = (e: StreamEvent): boolean => e.contentBlockDelta !== undefined || e.contentBlockStart !== undefined;

/**
 * A Backend (as the retry loop calls it) over a streaming backend: open the stream and read to the
 * first token within firstTokenMs, under the attempt's own signal until then and not after (the
 * per-attempt timeout bounds the wait for the first token, not the length of the answer).
 */
export function untilFirstToken(inner: StreamingBackend, firstTokenMs: number): Backend {
  return {
    async invoke(call: ModelCall): Promise<ModelAnswer> {
      const controller = new AbortController();
      const onAbort = (): void => controller.abort(call.signal.reason);
      if (call.signal.aborted) onAbort();
      else call.signal.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      const silent = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          controller.abort();
          reject(new FirstTokenTimeoutError(`no first token within ${firstTokenMs} ms`));
        }, firstTokenMs);
      });
      try {
        const it = await Promise.race([inner.stream({ ...call, signal: controller.signal }), silent]);
        const head: StreamEvent[] = [];
        for (;;) {
          const r = await Promise.race([it.next(), silent]);
          if (r.done === true) break;
          head.push(r.value);
          if (isToken(r.value)) break;
        }
        return new OpenedStream(head, it, (reason) => controller.abort(reason));
      } finally {
        clearTimeout(timer);
        call.signal.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** What a streaming API writes: its own framing of the events, the end and a failure. */
export interface StreamWriter {
  /** The first token is there: send the status, the headers and the events so far. */
  open(modelId: string, headers: Record<string, string>): void;
  event(e: StreamEvent): void;
  /** The stream ended: the routing record (and usage) as the last event. */
  end(answer: ModelAnswer, routing: RoutingRecord): void;
  /** The stream broke after its first token: an error event, then the routing record. */
  fail(err: RouterError, requestId: string, routing: RoutingRecord): void;
  /** Aborted when the caller goes away. */
  readonly closed?: AbortSignal;
}

/** Folds stream events into a whole answer (content blocks, stop reason, usage), for metrics, logs and validation. */
export class AnswerBuilder {
  private readonly blocks = new Map<number, { text?: string; toolUse?: ToolUseBlock; json?: string }>();
  stopReason = 'end_turn';
  usage = { inputTokens: 0, outputTokens: 0, totalTokens: 0 };

  add(e: StreamEvent): void {
    if (e.contentBlockStart?.start?.toolUse !== undefined) {
      const { toolUseId, name } = e.contentBlockStart.start.toolUse;
      this.blocks.set(e.contentBlockStart.contentBlockIndex ?? 0, {
        toolUse: { toolUseId: toolUseId ?? '', name: name ?? '', input: {} },
        json: '',
      });
    } else if (e.contentBlockDelta !== undefined) {
      const i = e.contentBlockDelta.contentBlockIndex ?? 0;
      const d = e.contentBlockDelta.delta;
      const b = this.blocks.get(i) ?? {};
      if (d?.text !== undefined) b.text = (b.text ?? '') + d.text;
      if (d?.toolUse?.input !== undefined) b.json = (b.json ?? '') + d.toolUse.input;
      this.blocks.set(i, b);
    } else if (e.messageStop !== undefined) this.stopReason = e.messageStop.stopReason ?? 'end_turn';
    else if (e.metadata?.usage !== undefined) {
      const u = e.metadata.usage;
      const inputTokens = u.inputTokens ?? 0;
      const outputTokens = u.outputTokens ?? 0;
      this.usage = { inputTokens, outputTokens, totalTokens: u.totalTokens ?? inputTokens + outputTokens };
    }
  }

  answer(): ModelAnswer {
    const content: ContentBlock[] = [...this.blocks.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, b]): ContentBlock => {
        if (b.toolUse === undefined) return { text: b.text ?? '' };
        let input: unknown = {};
        try {
          input = b.json ? JSON.parse(b.json) : {};
        } catch {
          input = b.json;
        }
        return { toolUse: { ...b.toolUse, input: input as ToolUseBlock['input'] } };
      });
    return { content, stopReason: this.stopReason, usage: this.usage };
  }
}

/** The streaming backends of the deps (tests may give their own), each opened up to its first token. */
function firstTokenBackends(
  backends: Readonly<Record<TableModel['hosting'], StreamingBackend>>,
  firstTokenMs: number,
): Readonly<Record<TableModel['hosting'], Backend>> {
  return {
    bedrock: untilFirstToken(backends.bedrock, firstTokenMs),
    sagemaker: untilFirstToken(backends.sagemaker, firstTokenMs),
  };
}

export interface StreamingDeps extends RouterDeps {
  /** @default STREAM_BACKENDS */
  readonly streamBackends?: Readonly<Record<TableModel['hosting'], StreamingBackend>>;
}

/**
 * Serves a streaming request: route, candidates, failover up to the first token (errors then are
 * thrown, and answered as whole errors with their status), then the stream to the writer.
 */
export async function serveStream(
  deps: StreamingDeps,
  routeId: string,
  request: RouterRequest,
  requestId: string,
  writer: StreamWriter,
  /** The consumer whose key made the request; undefined for SigV4 callers. */
  consumer?: string,
): Promise<void> {
  const started = performance.now();
  const table = await deps.tables.get();
  const route = Object.prototype.hasOwnProperty.call(table.routes, routeId) ? table.routes[routeId] : undefined;
  if (route === undefined) {
    const hint = didYouMean(routeId.slice(0, 200), Object.keys(table.routes));
    throw new NotFoundError(
      `no route "${routeId.slice(0, 200)}"${hint ? `; ${hint}` : ''} (GET /v1/models lists them)`,
      'route_not_found',
    );
  }
  const selection = selectCandidates(table, route, requestFeatures(request), request.metadata);
  const outcome = {
    environment: deps.environment,
    requestId,
    route: routeId,
    table,
    rule: selection.rule,
    request,
  };
  if (selection.candidates.length === 0) {
    recordRequest({ ...outcome, status: 422, latencyMs: 0, attempts: [], fellBack: false, errorCode: 'no_candidate' });
    throw new NoCandidateError(
      `no model of route "${routeId}" can take this request: ${selection.skipped.map((s) => `${s.model} (${s.reason})`).join(', ')}`,
    );
  }
  const firstTokenMs = route.resilience.firstTokenTimeoutMs ?? route.resilience.attemptTimeoutMs;
  let done;
  try {
    done = await invokeCandidates(
      { ...deps, backends: firstTokenBackends(deps.streamBackends ?? STREAM_BACKENDS, firstTokenMs) },
      {
        route,
        request,
        candidates: selection.candidates,
        consumer,
        onTransition: (model, region, t) => recordTransition(deps.environment, routeId, model, region, t),
      },
    );
  } catch (err) {
    if (err instanceof AllCandidatesFailedError && err.status !== 504)
      err.retryAfterSeconds ??= await coolDownSeconds(
        deps.breaker,
        selection.candidates,
        route.resilience.backoff.maxMs,
      );
    recordRequest({
      ...outcome,
      status: err instanceof RouterError ? err.status : 500,
      latencyMs: Math.round(performance.now() - started),
      attempts: err instanceof AllCandidatesFailedError ? err.attempts : [],
      fellBack: false,
      errorCode: err instanceof RouterError ? err.code : 'internal_error',
    });
    throw err;
  }
  const opened = done.answer;
  if (!(opened instanceof OpenedStream)) throw new Error('a streaming backend answered without a stream');
  const routing: RoutingRecord = {
    route: routeId,
    model: done.modelId,
    region: done.region,
    ...(selection.rule !== undefined ? { rule: selection.rule } : {}),
    attempts: done.attempts,
    catalogVersion: table.catalogVersion,
    skipped: [...selection.skipped, ...done.circuitSkips],
    ...strippedOf(table.models[done.modelId], request),
  };
  const builder = new AnswerBuilder();
  const onClose = (): void => opened.abort(new Error('the caller closed the stream'));
  writer.closed?.addEventListener('abort', onClose, { once: true });
  // A stream that goes quiet after its first token is ended like a failed one, after the attempt timeout.
  const idleMs = route.resilience.attemptTimeoutMs;
  let idled = false;
  const idle = setTimeout(() => {
    idled = true;
    opened.abort();
  }, idleMs);
  let failure: unknown;
  try {
    writer.open(done.modelId, {
      'x-fm-route': routeId,
      'x-fm-model': done.modelId,
      'x-fm-catalog-version': table.catalogVersion,
      ...strippedHeader(routing),
    });
    for (const e of opened.head) {
      builder.add(e);
      writer.event(e);
    }
    for (;;) {
      const r = await opened.rest.next();
      if (r.done === true) break;
      idle.refresh();
      builder.add(r.value);
      writer.event(r.value);
    }
  } catch (err) {
    // The SDK raises its own abort error for an aborted response: name the real cause.
    failure = idled ? new StreamIdleError(`the stream was idle for ${idleMs} ms`, { cause: err }) : err;
  } finally {
    clearTimeout(idle);
    writer.closed?.removeEventListener('abort', onClose);
  }
  const answer = builder.answer();
  const latencyMs = Math.round(performance.now() - started);
  const fellBack = done.modelId !== selection.candidates[0]?.modelId;
  if (failure === undefined) {
    writer.end(answer, { ...routing, costUsd: costOf(table, done.modelId, answer) });
    recordRequest({
      ...outcome,
      status: 200,
      latencyMs,
      model: done.modelId,
      region: done.region,
      attempts: done.attempts,
      fellBack,
      answer,
    });
    return;
  }
  if (writer.closed?.aborted === true) {
    recordRequest({
      ...outcome,
      status: 499,
      latencyMs,
      model: done.modelId,
      region: done.region,
      attempts: done.attempts,
      fellBack,
      errorCode: 'client_closed',
      answer,
    });
    return;
  }
  const kind =
    failure instanceof BackendError
      ? failure.kind
      : failure instanceof Error && failure.name === 'ModelStreamErrorException'
        ? 'model-error'
        : classifyError(failure);
  const opened2 = await deps.breaker.failure(done.modelId, done.region, kind, route.resilience.circuitBreaker);
  if (opened2) recordTransition(deps.environment, routeId, done.modelId, done.region, opened2);
  const name = failure instanceof Error ? failure.name : 'Error';
  log('warn', 'model stream failed after its first token', {
    requestId,
    model: done.modelId,
    region: done.region,
    errorKind: kind,
    error: name,
  });
  const err = new StreamInterruptedError(
    `the model's stream failed after it began (${kind}: ${name}); the answer is incomplete`,
    { cause: failure },
  );
  writer.fail(err, requestId, {
    ...routing,
    attempts: [...done.attempts.slice(0, -1), { ...done.attempts[done.attempts.length - 1], errorKind: kind }],
  });
  recordRequest({
    ...outcome,
    status: err.status,
    latencyMs,
    model: done.modelId,
    region: done.region,
    attempts: done.attempts,
    fellBack,
    errorCode: err.code,
    answer,
  });
}
