import { DIMENSION_SETS, DIMENSIONS, METRIC_NAMESPACE, type MetricName } from '../../contracts/metrics';

/**
 * The router's CloudWatch embedded-metric-format (EMF) contract as the alarms and dashboard read
 * it. The names, namespace and dimension sets are defined once, in contracts/metrics.ts (which the
 * router emits by); this only gives them the shape the constructs use.
 */
export const ROUTER_METRICS = {
  namespace: METRIC_NAMESPACE,
  dimensions: DIMENSIONS,
  dimensionSets: DIMENSION_SETS,
  names: {
    /** Requests handled (count). */
    requests: 'Requests',
    /** Requests the router answered with a 5xx (count). */
    serverErrors: 'ServerErrors',
    /** Requests answered by a model other than the route's first candidate (count). */
    fallbacks: 'Fallbacks',
    /** End-to-end latency of a request (milliseconds). */
    latency: 'Latency',
    /** Model calls per request, retries included (count). */
    attempts: 'Attempts',
    inputTokens: 'InputTokens',
    outputTokens: 'OutputTokens',
    /** Estimated cost in US dollars. */
    estimatedCost: 'EstimatedCostUsd',
    /** Routing-table documents the router refused, keeping the table it had (count, under [Environment] only). */
    routingTableRejected: 'RoutingTableRejected',
    /** A consumer's month-to-date spend as the ledger counts it (USD, under [Environment, Consumer]). */
    consumerSpend: 'ConsumerSpendUsd',
    /** The cost of a consumer's answered requests (USD, under [Environment, Consumer] and with route and model). */
    consumerCost: 'ConsumerCostUsd',
    /** Requests refused by a consumer's limit (count, under [Environment, Consumer]). */
    limitRefusals: 'LimitRefusals',
  },
} as const;

// Every name above must be one the router emits: a renamed metric fails to compile here.
ROUTER_METRICS.names satisfies Record<string, MetricName>;
