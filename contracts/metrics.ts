/**
 * The router's CloudWatch metrics, as Embedded Metric Format documents: the router writes them
 * (functions/router/metrics.ts); the alarms and the dashboard (modules/monitoring) read them by
 * these names, in this namespace, under these dimension sets. A CloudWatch alarm matches a metric's
 * exact dimension set, so a set renamed on one side only silences the alarm.
 */
export const METRIC_NAMESPACE = 'FmPlatform';

/** Every metric the router emits, with its CloudWatch unit. */
export const METRICS = {
  /** Requests handled. */
  Requests: 'Count',
  /** End-to-end latency of a request. */
  Latency: 'Milliseconds',
  /** Model calls per request, retries included. */
  Attempts: 'Count',
  /** Requests answered by a model other than the route's first candidate. */
  Fallbacks: 'Count',
  CircuitOpened: 'Count',
  CircuitClosed: 'Count',
  InputTokens: 'Count',
  OutputTokens: 'Count',
  /** Estimated cost in US dollars. */
  EstimatedCostUsd: 'None',
  Errors: 'Count',
  /**
   * Requests the router answered with a server-side failure (a 5xx: every candidate failed, the
   * latency budget ran out, no routing table, an internal error), 0 or 1 per request under the
   * usual sets, and once more per failure under [Environment, Route, Reason], the reason being the
   * error code and, when a model was called, the last call's error kind
   * (`all_candidates_failed:access-denied`). The AppConfig roll-out monitors alarm on its rate.
   */
  ServerErrors: 'Count',
  /** Reads of the routing table the AppConfig extension answered 404 (a misnamed application, environment or profile); under [Environment] only. */
  RoutingTableNotFound: 'Count',
  /** Routing-table documents the router refused (not JSON, against the schema, a route naming a model the table lacks, another environment's table); under [Environment] only. */
  RoutingTableRejected: 'Count',
  /** Requests of a caching route answered from the response cache (no model call). */
  CacheHits: 'Count',
  /** Requests of a caching route looked up and not found (the model answered, and the answer was stored). */
  CacheMisses: 'Count',
  /** Requests of a caching route the cache did not serve: Cache-Control: no-cache, a temperature the route does not cache, no consumer. */
  CacheBypasses: 'Count',
  /** Cache reads or writes that failed or timed out (the request is still answered, by the model). */
  CacheErrors: 'Count',
  /** Catalog prices × actual usage of one answered request of a consumer, USD; under CONSUMER_DIMENSION_SETS. */
  ConsumerCostUsd: 'None',
  /** A consumer's month-to-date spend as the ledger counts it (leases included), USD; under [Environment, Consumer], at each budget lease. The budget alarms watch its Maximum. */
  ConsumerSpendUsd: 'None',
  /** Requests refused by a consumer's limit (429); under [Environment, Consumer]. */
  LimitRefusals: 'Count',
  /** A consumer's limit crossing its soft threshold (once per crossing, per instance that saw it); under [Environment, Consumer]. */
  LimitSoftReached: 'Count',
} as const;
export type MetricName = keyof typeof METRICS;

/** Dimension names: every metric has Environment and Route; per-model sets add Model, failure reasons Reason. */
export const DIMENSIONS = {
  environment: 'Environment',
  route: 'Route',
  model: 'Model',
  reason: 'Reason',
  consumer: 'Consumer',
} as const;

/**
 * The dimension sets every metric is recorded under: `[Environment]` is what the environment-wide
 * alarms watch, `[Environment, Route]` feeds the dashboard.
 */
export const DIMENSION_SETS: readonly (readonly string[])[] = [
  [DIMENSIONS.environment],
  [DIMENSIONS.environment, DIMENSIONS.route],
];

/** The extra set of a model-level metric. */
export const MODEL_DIMENSION_SET: readonly string[] = [DIMENSIONS.environment, DIMENSIONS.route, DIMENSIONS.model];

/** The set of a server-side failure by its reason (the error code answered). */
export const REASON_DIMENSION_SET: readonly string[] = [DIMENSIONS.environment, DIMENSIONS.route, DIMENSIONS.reason];

/** The sets of a consumer's metrics: per consumer (the budget alarm, the dashboard), and per consumer, route and model. */
export const CONSUMER_DIMENSION_SETS: readonly (readonly string[])[] = [
  [DIMENSIONS.environment, DIMENSIONS.consumer],
  [DIMENSIONS.environment, DIMENSIONS.consumer, DIMENSIONS.route, DIMENSIONS.model],
];
