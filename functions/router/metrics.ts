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
  /** Reads of the routing table the AppConfig extension answered 404 (a misnamed application, environment or profile); under [Environment] only. */
  RoutingTableNotFound: 'Count',
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
 * plus per model when a model is given); a metric of no route (the routing table's) is recorded
 * under [Environment] alone.
 */
export function emitMetrics(dimensions: { environment: string; route?: string; model?: string }, values: Partial<Record<MetricName, number>>, properties: Record<string, unknown> = {}): void {
  const names = Object.keys(values) as MetricName[];
  if (names.length === 0) return;
  const { route, model } = dimensions;
  const sets: string[][] = route === undefined ? [[DIMENSIONS.environment]] : DIMENSION_SETS.map((set) => [...set]);
  if (route !== undefined && model !== undefined) sets.push([DIMENSIONS.environment, DIMENSIONS.route, DIMENSIONS.model]);
  writeLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [{ Namespace: METRIC_NAMESPACE, Dimensions: sets, Metrics: names.map((n) => ({ Name: n, Unit: METRICS[n] })) }],
      },
      [DIMENSIONS.environment]: dimensions.environment,
      ...(route !== undefined ? { [DIMENSIONS.route]: route } : {}),
      ...(route !== undefined && model !== undefined ? { [DIMENSIONS.model]: model } : {}),
      ...properties,
      ...values,
    }),
  );
}
