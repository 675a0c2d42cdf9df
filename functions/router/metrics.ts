import {
  DIMENSION_SETS,
  DIMENSIONS,
  METRIC_NAMESPACE,
  METRICS,
  CONSUMER_DIMENSION_SETS,
  MODEL_DIMENSION_SET,
  REASON_DIMENSION_SET,
  type MetricName,
} from '../../contracts/metrics';
import { writeLine } from './log';

/**
 * Emits one CloudWatch Embedded Metric Format document under every dimension set (DIMENSION_SETS,
 * plus MODEL_DIMENSION_SET when a model is given); a metric of no route (the routing table's) is
 * recorded under [Environment] alone.
 */
export function emitMetrics(
  dimensions: { environment: string; route?: string; model?: string },
  values: Partial<Record<MetricName, number>>,
  properties: Record<string, unknown> = {},
): void {
  const names = Object.keys(values) as MetricName[];
  if (names.length === 0) return;
  const { route, model } = dimensions;
  const sets: string[][] = route === undefined ? [[DIMENSIONS.environment]] : DIMENSION_SETS.map((set) => [...set]);
  if (route !== undefined && model !== undefined) sets.push([...MODEL_DIMENSION_SET]);
  writeLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          { Namespace: METRIC_NAMESPACE, Dimensions: sets, Metrics: names.map((n) => ({ Name: n, Unit: METRICS[n] })) },
        ],
      },
      [DIMENSIONS.environment]: dimensions.environment,
      ...(route !== undefined ? { [DIMENSIONS.route]: route } : {}),
      ...(route !== undefined && model !== undefined ? { [DIMENSIONS.model]: model } : {}),
      ...properties,
      ...values,
    }),
  );
}

/** One count of a metric under [Environment, Route, Reason] alone (a failure by its reason). */
export function emitReasonCount(
  dimensions: { environment: string; route: string; reason: string },
  name: MetricName,
  properties: Record<string, unknown> = {},
): void {
  writeLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: METRIC_NAMESPACE,
            Dimensions: [[...REASON_DIMENSION_SET]],
            Metrics: [{ Name: name, Unit: METRICS[name] }],
          },
        ],
      },
      [DIMENSIONS.environment]: dimensions.environment,
      [DIMENSIONS.route]: dimensions.route,
      [DIMENSIONS.reason]: dimensions.reason,
      ...properties,
      [name]: 1,
    }),
  );
}

/**
 * A consumer's metric: under [Environment, Consumer], and with the route and model too when both
 * are given (CONSUMER_DIMENSION_SETS).
 */
export function emitConsumerMetrics(
  dimensions: { environment: string; consumer: string; route?: string; model?: string },
  values: Partial<Record<MetricName, number>>,
  properties: Record<string, unknown> = {},
): void {
  const names = Object.keys(values) as MetricName[];
  if (names.length === 0) return;
  const { route, model } = dimensions;
  const full = route !== undefined && model !== undefined;
  const sets = full ? CONSUMER_DIMENSION_SETS : CONSUMER_DIMENSION_SETS.slice(0, 1);
  writeLine(
    JSON.stringify({
      _aws: {
        Timestamp: Date.now(),
        CloudWatchMetrics: [
          {
            Namespace: METRIC_NAMESPACE,
            Dimensions: sets.map((set) => [...set]),
            Metrics: names.map((n) => ({ Name: n, Unit: METRICS[n] })),
          },
        ],
      },
      [DIMENSIONS.environment]: dimensions.environment,
      [DIMENSIONS.consumer]: dimensions.consumer,
      ...(full ? { [DIMENSIONS.route]: route, [DIMENSIONS.model]: model } : {}),
      ...properties,
      ...values,
    }),
  );
}
