import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { validateProps } from '../validation';
import { ROUTER_METRICS } from './metrics';
import { PLATFORM_ALARMS_RULES } from './validate';

export interface PlatformAlarmsProps {
  /** Prefix of every alarm name (`fm-<env>`). */
  readonly namePrefix: string;
  /** Value of the router metrics' `Environment` dimension. */
  readonly environment: string;
  readonly apiName: string;
  readonly stageName: string;
  readonly functionName: string;
  /**
   * The router's streaming twin, which the API's streaming operations invoke: its Lambda errors and
   * throttles count in the router's alarms too (one alarm each, so AppConfig's five monitors hold).
   * @default - none
   */
  readonly streamingFunctionName?: string;
  /** Share of 5xx answers that alarms, percent. @default 5 */
  readonly api5xxRatePercent?: number;
  /** Share of requests answered by a fallback that alarms, percent. @default 20 */
  readonly fallbackRatePercent?: number;
  /** Share of requests the router answers with a 5xx that alarms, percent. @default 5 */
  readonly serverErrorRatePercent?: number;
  /** API p99 latency that alarms, in ms (the largest route budget is a good value). */
  readonly p99LatencyMs: number;
  /** @default - no actions (alarms still roll AppConfig deployments back) */
  readonly alarmActions?: readonly string[];
}

/** The optional props' defaults. */
const DEFAULTS = {
  api5xxRatePercent: 5,
  fallbackRatePercent: 20,
  serverErrorRatePercent: 5,
} as const;

/**
 * The platform's alarms: API 5xx rate and p99 latency, router errors and throttles, the router's
 * server-error rate, its fallback rate, and routing tables it refused.
 */
export class PlatformAlarms extends Construct {
  readonly api5xxRate: CloudwatchMetricAlarm;
  readonly apiLatencyP99: CloudwatchMetricAlarm;
  readonly routerErrors: CloudwatchMetricAlarm;
  readonly routerThrottles: CloudwatchMetricAlarm;
  readonly fallbackRate: CloudwatchMetricAlarm;
  /** The share of requests the router answered with a 5xx: what a broken routing table raises (Lambda's Errors does not count a returned 5xx). */
  readonly routerServerErrorRate: CloudwatchMetricAlarm;
  /**
   * Any routing-table document the router refused. A refused table changes nothing at run time (each
   * instance keeps the table it had), so no error rate rises: without this alarm an AppConfig
   * deployment of a table the router cannot use completes and stays, unseen, until a cold start.
   */
  readonly routingTableRejected: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    validateProps(this, 'PlatformAlarms', props, PLATFORM_ALARMS_RULES);
    const p = props.namePrefix;
    const actions = props.alarmActions
      ? { alarmActions: [...props.alarmActions], okActions: [...props.alarmActions] }
      : {};
    const api = { ApiName: props.apiName, Stage: props.stageName };
    const fn = { FunctionName: props.functionName };

    this.api5xxRate = new CloudwatchMetricAlarm(this, 'Api5xxRate', {
      alarmName: `${p}-api-5xx-rate`,
      alarmDescription: 'share of API answers that are 5xx',
      namespace: 'AWS/ApiGateway',
      metricName: '5XXError',
      dimensions: api,
      statistic: 'Average',
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: (props.api5xxRatePercent ?? DEFAULTS.api5xxRatePercent) / 100,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
    this.apiLatencyP99 = new CloudwatchMetricAlarm(this, 'ApiLatencyP99', {
      alarmName: `${p}-api-latency-p99`,
      alarmDescription: 'p99 API latency above the largest route budget',
      namespace: 'AWS/ApiGateway',
      metricName: 'Latency',
      dimensions: api,
      extendedStatistic: 'p99',
      period: 300,
      evaluationPeriods: 3,
      threshold: props.p99LatencyMs,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
    // A Lambda metric of the router, summed with its streaming twin's when there is one.
    const functions = [props.functionName, ...(props.streamingFunctionName ? [props.streamingFunctionName] : [])];
    const lambdaSum = (metricName: string, label: string) =>
      functions.length === 1
        ? { namespace: 'AWS/Lambda', metricName, dimensions: fn, statistic: 'Sum', period: 60 }
        : {
            metricQuery: [
              ...functions.map((name, i) => ({
                id: `f${i}`,
                metric: {
                  namespace: 'AWS/Lambda',
                  metricName,
                  dimensions: { FunctionName: name },
                  period: 60,
                  stat: 'Sum',
                },
              })),
              { id: 'total', expression: functions.map((_, i) => `f${i}`).join(' + '), label, returnData: true },
            ],
          };
    this.routerErrors = new CloudwatchMetricAlarm(this, 'RouterErrors', {
      alarmName: `${p}-router-errors`,
      alarmDescription: 'router invocations that failed (unhandled errors, timeouts), streaming twin included',
      ...lambdaSum('Errors', 'router errors'),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 5,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
    this.routerThrottles = new CloudwatchMetricAlarm(this, 'RouterThrottles', {
      alarmName: `${p}-router-throttles`,
      alarmDescription: 'router invocations refused by its reserved concurrency (or the account limit, for the twin)',
      ...lambdaSum('Throttles', 'router throttles'),
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
    const m = ROUTER_METRICS;
    const dims = { [m.dimensions.environment]: props.environment };
    this.fallbackRate = new CloudwatchMetricAlarm(this, 'FallbackRate', {
      alarmName: `${p}-fallback-rate`,
      alarmDescription: 'share of requests answered by a fallback model (router EMF metrics)',
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: props.fallbackRatePercent ?? DEFAULTS.fallbackRatePercent,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      metricQuery: [
        {
          id: 'fallbacks',
          metric: { namespace: m.namespace, metricName: m.names.fallbacks, dimensions: dims, period: 60, stat: 'Sum' },
        },
        {
          id: 'requests',
          metric: { namespace: m.namespace, metricName: m.names.requests, dimensions: dims, period: 60, stat: 'Sum' },
        },
        {
          id: 'rate',
          expression: 'IF(requests > 0, 100 * fallbacks / requests, 0)',
          label: 'fallback rate (%)',
          returnData: true,
        },
      ],
      ...actions,
    });
    this.routerServerErrorRate = new CloudwatchMetricAlarm(this, 'RouterServerErrorRate', {
      alarmName: `${p}-router-server-error-rate`,
      alarmDescription:
        'share of requests the router answered with a 5xx (router EMF metrics; by route and reason on the dashboard)',
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: props.serverErrorRatePercent ?? DEFAULTS.serverErrorRatePercent,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      metricQuery: [
        {
          id: 'errors',
          metric: {
            namespace: m.namespace,
            metricName: m.names.serverErrors,
            dimensions: dims,
            period: 60,
            stat: 'Sum',
          },
        },
        {
          id: 'requests',
          metric: { namespace: m.namespace, metricName: m.names.requests, dimensions: dims, period: 60, stat: 'Sum' },
        },
        {
          id: 'rate',
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          label: 'server error rate (%)',
          returnData: true,
        },
      ],
      ...actions,
    });
    this.routingTableRejected = new CloudwatchMetricAlarm(this, 'RoutingTableRejected', {
      alarmName: `${p}-routing-table-rejected`,
      alarmDescription: 'the router refused a routing-table document and kept the table it had (router EMF metrics)',
      namespace: m.namespace,
      metricName: m.names.routingTableRejected,
      dimensions: dims,
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
      ...actions,
    });
  }
}
