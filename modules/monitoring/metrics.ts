/**
 * The router's CloudWatch embedded-metric-format (EMF) contract: the one place where metric names,
 * namespace and dimensions are written. The router emits them, the alarms and dashboard read them.
 *
 * Every metric is emitted with two dimension sets: `[Environment]` (what the environment-wide alarms
 * watch: CloudWatch alarms match a metric's exact dimension set) and `[Environment, Route]` (per route,
 * for the dashboard). Model-level metrics add `Model` to the second set.
 */
export const ROUTER_METRICS = {
  namespace: 'FmPlatform',
  dimensions: { environment: 'Environment', route: 'Route', model: 'Model' },
  dimensionSets: [['Environment'], ['Environment', 'Route']],
  names: {
    /** Requests handled (count). */
    requests: 'Requests',
    /** Requests answered by a model other than the route's first candidate (count). */
    fallbacks: 'Fallbacks',
    /** End-to-end latency of a request (milliseconds). */
    latency: 'Latency',
    /** Model calls per request, retries included (count). */
    attempts: 'Attempts',
    /** Circuit state changes (count). */
    circuitTransitions: 'CircuitTransitions',
    inputTokens: 'InputTokens',
    outputTokens: 'OutputTokens',
    /** Estimated cost in US dollars. */
    estimatedCost: 'EstimatedCostUsd',
  },
} as const;
