import { tableModel, type RoutingTable } from '../../contracts/routing-table';
import type { ModelAnswer } from './backends/backend';
import { log } from './log';
import { answerCostUsd } from './spend/cost';
import { emitMetrics, emitReasonCount } from './metrics';
import type { RouterRequest } from './request';
import type { AttemptRecord } from './routing-record';

export interface RequestOutcome {
  readonly environment: string;
  readonly requestId: string;
  readonly route: string;
  readonly table?: RoutingTable;
  readonly status: number;
  readonly latencyMs: number;
  readonly model?: string;
  readonly region?: string;
  readonly rule?: string;
  readonly attempts: readonly AttemptRecord[];
  /** True when a model other than the first candidate answered. */
  readonly fellBack: boolean;
  readonly errorCode?: string;
  readonly request?: RouterRequest;
  readonly answer?: ModelAnswer;
}

/** USD from the table's per-million-token prices (cache tokens at its cache prices: spend/cost.ts). */
export function estimatedCostUsd(table: RoutingTable, modelId: string, usage: ModelAnswer['usage']): number {
  return answerCostUsd(tableModel(table, modelId)?.pricing, usage);
}

/** One log line and one EMF document per request; prompt and completion text only when the table allows. */
export function recordRequest(o: RequestOutcome): void {
  const usage = o.answer?.usage;
  const cost = usage && o.model && o.table ? estimatedCostUsd(o.table, o.model, usage) : undefined;
  const withText = o.table?.logPromptText === true;
  log(o.status >= 500 ? 'error' : o.status >= 400 ? 'warn' : 'info', 'request', {
    requestId: o.requestId,
    route: o.route,
    status: o.status,
    model: o.model,
    region: o.region,
    rule: o.rule,
    attempts: o.attempts,
    latencyMs: o.latencyMs,
    inputTokens: usage?.inputTokens,
    outputTokens: usage?.outputTokens,
    estimatedCostUsd: cost,
    errorCode: o.errorCode,
    catalogVersion: o.table?.catalogVersion,
    ...(withText && o.request ? { prompt: o.request.messages, system: o.request.system } : {}),
    ...(withText && o.answer ? { completion: o.answer.content } : {}),
  });
  emitMetrics(
    { environment: o.environment, route: o.route, model: o.model },
    {
      Requests: 1,
      Latency: o.latencyMs,
      Attempts: o.attempts.length,
      Fallbacks: o.fellBack ? 1 : 0,
      Errors: o.status >= 400 ? 1 : 0,
      ServerErrors: o.status >= 500 ? 1 : 0,
      ...(usage
        ? { InputTokens: usage.inputTokens, OutputTokens: usage.outputTokens, EstimatedCostUsd: cost ?? 0 }
        : {}),
    },
    { requestId: o.requestId },
  );
  // A 5xx is the platform's failure, whatever the route: counted by its reason (the error code, and
  // the last model call's error kind when there was one: all_candidates_failed:access-denied).
  if (o.status >= 500) {
    const lastKind = o.attempts.at(-1)?.errorKind;
    const code = o.errorCode ?? 'internal_error';
    emitReasonCount(
      { environment: o.environment, route: o.route, reason: lastKind ? `${code}:${lastKind}` : code },
      'ServerErrors',
      { requestId: o.requestId },
    );
  }
}

export function recordTransition(
  environment: string,
  route: string,
  model: string,
  region: string,
  transition: 'opened' | 'closed',
): void {
  emitMetrics({ environment, route, model }, transition === 'opened' ? { CircuitOpened: 1 } : { CircuitClosed: 1 }, {
    region,
  });
}

/** One count per routing-table document refused: the router keeps the table it had, and an alarm can catch a bad roll-out. */
export function recordTableRejected(environment: string): void {
  emitMetrics({ environment }, { RoutingTableRejected: 1 });
}

/** One count per read of the routing table the AppConfig extension answered 404: a misnamed profile an alarm can catch. */
export function recordTableNotFound(environment: string): void {
  emitMetrics({ environment }, { RoutingTableNotFound: 1 });
}
