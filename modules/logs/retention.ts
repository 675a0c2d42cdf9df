import { rule, type PropsRule } from '../validation';

/**
 * The retention periods CloudWatch Logs accepts, in days; it refuses any other
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * How long a log group keeps its logs when its construct is not told: the API's access logs, the
 * router's logs and the workflows' logs are one environment's logs, so they share one default (and
 * one rule), kept here with the values CloudWatch accepts. The stacks pass every construct the
 * environment's own retention.
 */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** The rule on a construct's `logRetentionDays`. */
export function logRetentionRule<P>(days: (props: P) => number | undefined): PropsRule<P> {
  return rule({
    value: days,
    fails: (d) => !(LOG_RETENTION_DAYS as readonly number[]).includes(d),
    message: (d) => `log retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days, but ${d} was provided`,
  });
}
