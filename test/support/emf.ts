/**
 * CloudWatch's side of Embedded Metric Format, for the tests: each EMF document the router logs
 * becomes one value per metric under each of its dimension sets (the dimension values read from the
 * document's own fields), and a series is addressed as an alarm addresses it: namespace, metric
 * name and the exact dimension map (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 */
interface EmfDocument {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
  };
  [field: string]: unknown;
}

const isEmf = (line: Record<string, unknown>): line is EmfDocument =>
  typeof line._aws === 'object' && line._aws !== null && 'CloudWatchMetrics' in line._aws;

const seriesKey = (namespace: string, metric: string, dimensions: Readonly<Record<string, string>>) =>
  `${namespace}|${metric}|${Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',')}`;

/** The Sum statistic of every series the log lines wrote (one period: the whole test window). */
export function emfSums(
  lines: readonly Record<string, unknown>[],
): (namespace: string, metric: string, dimensions: Readonly<Record<string, string>>) => number {
  const sums = new Map<string, number>();
  for (const doc of lines.filter(isEmf)) {
    for (const directive of doc._aws.CloudWatchMetrics) {
      for (const set of directive.Dimensions) {
        const dims = Object.fromEntries(set.map((d) => [d, String(doc[d])]));
        for (const { Name } of directive.Metrics) {
          const value = doc[Name];
          if (typeof value !== 'number') throw new Error(`EMF document names metric ${Name} but has no number for it`);
          const key = seriesKey(directive.Namespace, Name, dims);
          sums.set(key, (sums.get(key) ?? 0) + value);
        }
      }
    }
  }
  return (namespace, metric, dimensions) => sums.get(seriesKey(namespace, metric, dimensions)) ?? 0;
}
