import { writeLine } from './log';

/** CloudWatch namespace of every router metric. */
export const METRIC_NAMESPACE = 'FmPlatform';

/** The router's metrics: the one table of names and units (the stack's alarms use Fallbacks and Latency). */
export const METRICS = {
  Requests: 'Count',
  Latency: 'Milliseconds',
  Attempts: 'Count',
  Fallbacks: 'Count',
  CircuitOpened: 'Count',
  CircuitClosed: 'Count',
  InputTokens: 'Count',
  OutputTokens: 'Count',
  EstimatedCostUsd: 'None',
  Errors: 'Count',
} as const;
export type MetricName = keyof typeof METRICS;

/** Dimension names: every metric has Environment and Route; per-model sets add Model. */
export const DIMENSIONS = { environment: 'Environment', route: 'Route', model: 'Model' } as const;

/**
 * The dimension sets every metric is recorded under: `[Environment]` is what the environment-wide
 * alarms watch (a CloudWatch alarm matches a metric's exact dimension set), `[Environment, Route]`
 * feeds the dashboard; a model-level metric adds `[Environment, Route, Model]`.
 */
export const DIMENSION_SETS: readonly (readonly string[])[] = [[DIMENSIONS.environment], [DIMENSIONS.environment, DIMENSIONS.route]];

/**
 * Emits one CloudWatch Embedded Metric Format document under every dimension set (DIMENSION_SETS,
 * plus per model when a model is given).
 */
export function emitMetrics(dimensions: { environment: string; route: string; model?: string }, values: Partial<Record<MetricName, number>>, properties: Record<string, unknown> = {}): void {
  const names = Object.keys(values) as MetricName[];
  if (names.length === 0) return;
  const sets: string[][] = DIMENSION_SETS.map((set) => [...set]);
  if (dimensions.model !== undefined) sets.push([DIMENSIONS.environment, DIMENSIONS.route, DIMENSIONS.model]);
  writeLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: sets, Metrics: names.map((n) => ({ Name: n, Unit: METRICS[n] })) }],
      },
      [DIMENSIONS.environment]: dimensions.environment,
      [DIMENSIONS.route]: dimensions.route,
      ...(dimensions.model !== undefined ? { [DIMENSIONS.model]: dimensions.model } : {}),
      ...properties,
      ...values,
    }),
  );
}
