import { tableModel, tableRoute, type RoutingTable } from '../../../contracts/routing-table';
import { LIMIT_ERROR_CODES, SPEND_HEADERS, type LimitKind, type TableLimit } from '../../../contracts/spend';
import type { ModelAnswer } from '../backends/backend';
import { consumerOf } from '../consumer';
import { LimitExceededError } from '../errors';
import { requestFeatures } from '../features';
import type { APIGatewayProxyEventLike } from '../http-types';
import { log } from '../log';
import { emitConsumerMetrics } from '../metrics';
import type { RouterRequest } from '../request';
import type { RoutingRecord } from '../routing-record';
import { selectCandidates } from '../select';
import type { RouterDeps, Served } from '../serve';
import type { StreamWriter } from '../streaming';
import { answerCostUsd, answerTokens, reservedCostUsd } from './cost';
import { SpendLedger, type LimitView } from './ledger';
import { LedgerStore } from './ledger-store';

export { LedgerStore } from './ledger-store';
export { SpendLedger } from './ledger';

/** What one admitted request holds: a reservation per limit that applies to it, settled once. */
export interface Admission {
  readonly consumer: string;
  readonly reservations: readonly { readonly limit: TableLimit; readonly amount: number }[];
  /** The rate-limit headers of the answer (OpenAI's names). */
  readonly headers: Readonly<Record<string, string>>;
}

const OPENAI_TYPES: Readonly<Record<LimitKind, string>> = {
  monthlyBudgetUsd: 'insufficient_quota',
  tokensPerMinute: 'tokens',
  requestsPerMinute: 'requests',
};

const UNITS: Readonly<Record<LimitKind, string>> = {
  monthlyBudgetUsd: 'USD this month',
  tokensPerMinute: 'tokens per minute',
  requestsPerMinute: 'requests per minute',
};

/** OpenAI's reset format: `1s`, `6m0s`, `2h3m0s` (the time until the window allows again). */
function resetText(ms: number): string {
  const total = Math.max(1, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : m > 0 ? `${m}m${s}s` : `${s}s`;
}

/** The rate-limit headers: per kind, the view that has the least left. */
function rateHeaders(views: readonly LimitView[], now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const tightest = (kind: LimitKind): LimitView | undefined =>
    views.filter((v) => v.limit.limit === kind).sort((a, b) => a.remaining - b.remaining)[0];
  const tokens = tightest('tokensPerMinute');
  if (tokens !== undefined) {
    headers[SPEND_HEADERS.limitTokens] = String(tokens.limit.hard);
    headers[SPEND_HEADERS.remainingTokens] = String(Math.floor(tokens.remaining));
    headers[SPEND_HEADERS.resetTokens] = resetText(tokens.resetsAt - now);
  }
  const requests = tightest('requestsPerMinute');
  if (requests !== undefined) {
    headers[SPEND_HEADERS.limitRequests] = String(requests.limit.hard);
    headers[SPEND_HEADERS.remainingRequests] = String(Math.floor(requests.remaining));
    headers[SPEND_HEADERS.resetRequests] = resetText(requests.resetsAt - now);
  }
  return headers;
}

/**
 * Spend control of one router instance: admits a consumer's request against its limits (the
 * routing table's `consumers`) by reserving on the shared ledger's leases, and settles each
 * reservation to the answer's usage. A cache hit never reaches it (no model call, no charge).
 */
export class SpendControl {
  constructor(
    private readonly ledger: SpendLedger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reserves what the request may cost on every limit of the consumer that applies to it (the
   * consumer's own, its route's, and the model the route picks first for it); undefined when none
   * applies. Throws LimitExceededError after giving back every reservation it made.
   */
  async admit(
    table: RoutingTable,
    consumer: string,
    routeId: string,
    request: RouterRequest,
  ): Promise<Admission | undefined> {
    const limits = table.consumers?.[consumer]?.limits;
    const route = limits && limits.length > 0 ? tableRoute(table, routeId) : undefined;
    if (limits === undefined || route === undefined) return undefined;
    const features = requestFeatures(request);
    const models = selectCandidates(table, route, features, request.metadata).candidates;
    // No candidate: serving fails with its own error (422), which no limit should hide.
    if (models.length === 0) return undefined;
    const first = models[0].modelId;
    const applying = limits.filter(
      (l) => (l.route === undefined || l.route === routeId) && (l.model === undefined || l.model === first),
    );
    if (applying.length === 0) return undefined;
    const maxTokens = request.inferenceConfig?.maxTokens ?? Math.max(...models.map((m) => m.model.maxOutputTokens));
    const amounts: Record<LimitKind, number> = {
      monthlyBudgetUsd: reservedCostUsd(
        models.map((m) => m.model),
        features.inputTokens,
        maxTokens,
      ),
      tokensPerMinute: features.inputTokens + maxTokens,
      requestsPerMinute: 1,
    };
    const reservations = applying.map((limit) => ({ limit, amount: amounts[limit.limit] }));
    const views = await Promise.all(reservations.map((r) => this.ledger.reserve(consumer, r.limit, r.amount)));
    const now = this.now();
    const refused = views.find((v) => v.refused === true);
    if (refused !== undefined) {
      reservations.forEach((r, i) => {
        if (views[i].refused !== true) this.ledger.settle(consumer, r.limit, r.amount, 0);
      });
      const kind = refused.limit.limit;
      const scope =
        refused.limit.route !== undefined
          ? ` on route "${refused.limit.route}"`
          : refused.limit.model !== undefined
            ? ` on model "${refused.limit.model}"`
            : '';
      const left = kind === 'monthlyBudgetUsd' ? refused.remaining.toFixed(6) : String(Math.floor(refused.remaining));
      const needed = kind === 'monthlyBudgetUsd' ? amounts[kind].toFixed(6) : String(amounts[kind]);
      throw new LimitExceededError(
        `consumer "${consumer}" reached its limit of ${refused.limit.hard} ${UNITS[kind]}${scope}: ${left} left, this request needs up to ${needed}${kind === 'monthlyBudgetUsd' ? ' (its input and maxTokens at the dearest candidate price)' : ''}; retry after the window resets`,
        LIMIT_ERROR_CODES[kind],
        OPENAI_TYPES[kind],
        (refused.resetsAt - now) / 1000,
        rateHeaders(views, now),
      );
    }
    return { consumer, reservations, headers: rateHeaders(views, now) };
  }

  /** Settles every reservation to the answer's usage (cost at the answering model's prices); the cost. */
  settle(admission: Admission | undefined, answer: ModelAnswer, costUsd: number): void {
    if (admission === undefined) return;
    for (const { limit, amount } of admission.reservations) {
      const actual =
        limit.limit === 'monthlyBudgetUsd'
          ? costUsd
          : limit.limit === 'tokensPerMinute'
            ? answerTokens(answer.usage)
            : 1;
      this.ledger.settle(admission.consumer, limit, amount, actual);
    }
  }

  /** Gives this instance's unused leases back to the ledger now (a shutdown, tests, benchmarks). */
  flush(): Promise<void> {
    return this.ledger.flush();
  }

  /** Gives every reservation back: the request was not answered, so it is not charged. */
  release(admission: Admission | undefined): void {
    if (admission === undefined) return;
    for (const { limit, amount } of admission.reservations) this.ledger.settle(admission.consumer, limit, amount, 0);
  }
}

/** The cost of an answer by the routing table's prices of the model that gave it. */
export function costOf(table: RoutingTable, modelId: string, answer: ModelAnswer): number {
  return answerCostUsd(tableModel(table, modelId)?.pricing, answer.usage);
}

/** The x-fm-cost-usd header of a routing record (0 for a cache hit: no model call). */
export function costHeader(routing: RoutingRecord): Record<string, string> {
  return { [SPEND_HEADERS.cost]: (routing.costUsd ?? 0).toFixed(8) };
}

function recordCost(deps: RouterDeps, consumer: string, routing: RoutingRecord): void {
  emitConsumerMetrics(
    { environment: deps.environment, consumer, route: routing.route, model: routing.model },
    { ConsumerCostUsd: routing.costUsd ?? 0 },
  );
}

/** Admission for a request of a consumer, or undefined (no consumer, no limit, or no table: serving then fails as usual). */
async function admitted(
  deps: RouterDeps,
  consumer: string,
  routeId: string,
  request: RouterRequest,
): Promise<Admission | undefined> {
  if (deps.spend === undefined) return undefined;
  const table = await deps.tables.get().catch(() => undefined);
  if (table === undefined) return undefined;
  try {
    return await deps.spend.admit(table, consumer, routeId, request);
  } catch (err) {
    if (err instanceof LimitExceededError) {
      emitConsumerMetrics({ environment: deps.environment, consumer }, { LimitRefusals: 1 });
      log('warn', 'refused by a consumer limit', { consumer, route: routeId, code: err.code });
    }
    throw err;
  }
}

/** The whole-response path: admit, serve, settle (or release on failure); the answer carries the rate-limit headers. */
export async function serveWithinLimits(
  deps: RouterDeps,
  event: APIGatewayProxyEventLike,
  routeId: string,
  request: RouterRequest,
  serve: () => Promise<Served>,
): Promise<Served> {
  const consumer = consumerOf(event);
  if (consumer === undefined) return serve();
  const admission = await admitted(deps, consumer, routeId, request);
  let served: Served;
  try {
    served = await serve();
  } catch (err) {
    deps.spend?.release(admission);
    throw err;
  }
  deps.spend?.settle(admission, served.answer, served.routing.costUsd ?? 0);
  recordCost(deps, consumer, served.routing);
  return admission === undefined ? served : { ...served, headers: { ...served.headers, ...admission.headers } };
}

/** The streaming path: admit before the model is called, settle when the stream ends whole, release when it fails. */
export async function streamWithinLimits(
  deps: RouterDeps,
  event: APIGatewayProxyEventLike,
  routeId: string,
  request: RouterRequest,
  writer: StreamWriter,
  serve: (writer: StreamWriter) => Promise<void>,
): Promise<void> {
  const consumer = consumerOf(event);
  if (consumer === undefined) return serve(writer);
  const admission = await admitted(deps, consumer, routeId, request);
  let settled = false;
  const once = (f: () => void): void => {
    if (settled) return;
    settled = true;
    f();
  };
  try {
    await serve({
      get closed() {
        return writer.closed;
      },
      open: (modelId, headers) => writer.open(modelId, { ...headers, ...(admission?.headers ?? {}) }),
      event: (e) => writer.event(e),
      end: (answer, routing) => {
        once(() => {
          deps.spend?.settle(admission, answer, routing.costUsd ?? 0);
          recordCost(deps, consumer, routing);
        });
        writer.end(answer, routing);
      },
      fail: (err, id, routing) => {
        once(() => deps.spend?.release(admission));
        writer.fail(err, id, routing);
      },
    });
  } finally {
    once(() => deps.spend?.release(admission));
  }
}

/**
 * The production spend control over a ledger table: after each table answer it records a budget's
 * month-to-date spend (ConsumerSpendUsd, which the budget alarms watch) and alerts, once per
 * crossing, when a window's count passes the limit's soft threshold.
 */
export function spendControl(store: LedgerStore, environment: string): SpendControl {
  const ledger = new SpendLedger(store, {
    onUsed: (consumer, limit, used, before) => {
      if (limit.limit === 'monthlyBudgetUsd' && limit.route === undefined && limit.model === undefined)
        emitConsumerMetrics({ environment, consumer }, { ConsumerSpendUsd: used });
      if (limit.soft !== undefined && before < limit.soft && used >= limit.soft) {
        log('warn', 'ALERT consumer limit past its soft threshold', {
          alert: true,
          consumer,
          limit: limit.id,
          soft: limit.soft,
          hard: limit.hard,
          used,
        });
        emitConsumerMetrics({ environment, consumer }, { LimitSoftReached: 1 }, { limit: limit.id });
      }
    },
  });
  return new SpendControl(ledger);
}
