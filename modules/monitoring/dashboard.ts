import { Construct } from 'constructs';
import { CloudwatchDashboard } from '@cdktf/provider-aws/lib/cloudwatch-dashboard';
import { validateProps } from '../validation';
import { ROUTER_METRICS } from './metrics';
import { PLATFORM_DASHBOARD_RULES } from './validate';

export interface PlatformDashboardProps {
  readonly dashboardName: string;
  readonly region: string;
  /** Value of the router metrics' `Environment` dimension. */
  readonly environment: string;
  readonly routes: readonly string[];
  readonly apiName: string;
  readonly stageName: string;
  readonly functionName: string;
  /** SageMaker endpoint names. @default [] */
  readonly endpointNames?: readonly string[];
  /** Consumers whose spend is shown (the API's key holders). @default [] */
  readonly consumers?: readonly string[];
  /** Alarm ARNs shown as a status widget. @default [] */
  readonly alarmArns?: readonly string[];
}

/** The optional props' defaults. */
const DEFAULTS = {
  endpointNames: [],
  consumers: [],
  alarmArns: [],
} as const;

type Metric = (string | { stat?: string; label?: string; expression?: string; id?: string })[];

/** One dashboard per environment: API, router, routes (fallbacks, latency) and endpoints. */
export class PlatformDashboard extends Construct {
  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    validateProps(this, 'PlatformDashboard', props, PLATFORM_DASHBOARD_RULES);
    const m = ROUTER_METRICS;
    const widget = (title: string, metrics: Metric[], y: number, x: number, stat = 'Sum') => ({
      type: 'metric',
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region: props.region, stat, period: 60, view: 'timeSeries', metrics },
    });
    const api = ['ApiName', props.apiName, 'Stage', props.stageName];
    const fn = ['FunctionName', props.functionName];
    const perRoute = (name: string, stat?: string): Metric[] =>
      props.routes.map((r) => [
        m.namespace,
        name,
        m.dimensions.environment,
        props.environment,
        m.dimensions.route,
        r,
        { label: r, ...(stat ? { stat } : {}) },
      ]);
    const widgets: object[] = [
      widget(
        'API requests and errors',
        [
          ['AWS/ApiGateway', 'Count', ...api],
          ['AWS/ApiGateway', '4XXError', ...api],
          ['AWS/ApiGateway', '5XXError', ...api],
        ],
        0,
        0,
      ),
      widget(
        'API latency p99 (ms)',
        [
          ['AWS/ApiGateway', 'Latency', ...api, { stat: 'p99' }],
          ['AWS/ApiGateway', 'IntegrationLatency', ...api, { stat: 'p99' }],
        ],
        0,
        12,
        'p99',
      ),
      widget(
        'Router invocations, errors, throttles',
        [
          ['AWS/Lambda', 'Invocations', ...fn],
          ['AWS/Lambda', 'Errors', ...fn],
          ['AWS/Lambda', 'Throttles', ...fn],
        ],
        6,
        0,
      ),
      widget(
        'Router concurrency and duration p99',
        [
          ['AWS/Lambda', 'ConcurrentExecutions', ...fn, { stat: 'Maximum' }],
          ['AWS/Lambda', 'Duration', ...fn, { stat: 'p99' }],
        ],
        6,
        12,
      ),
      widget('Fallbacks per route', perRoute(m.names.fallbacks), 12, 0),
      widget('Latency p99 per route (ms)', perRoute(m.names.latency, 'p99'), 12, 12, 'p99'),
      // Every [Environment, Route, Reason] series the router has written, whatever the reason.
      // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/search-expression-syntax.html
      widget(
        'Server errors (5xx) by route and reason',
        [
          [
            {
              id: 'e1',
              expression: `SEARCH('{${m.namespace},${m.dimensions.environment},${m.dimensions.route},${m.dimensions.reason}} MetricName="${m.names.serverErrors}" ${m.dimensions.environment}="${props.environment}"', 'Sum', 60)`,
            },
          ],
        ],
        18,
        0,
      ),
    ];
    const consumers = props.consumers ?? DEFAULTS.consumers;
    if (consumers.length > 0) {
      const perConsumer = (name: string): Metric[] =>
        consumers.map((c) => [
          m.namespace,
          name,
          m.dimensions.environment,
          props.environment,
          m.dimensions.consumer,
          c,
          { label: c },
        ]);
      widgets.push(
        {
          type: 'metric',
          x: 12,
          y: 18,
          width: 12,
          height: 6,
          properties: {
            title: 'Spend per consumer (USD per hour, catalog prices × usage)',
            region: props.region,
            stat: 'Sum',
            period: 3600,
            view: 'timeSeries',
            metrics: perConsumer(m.names.consumerCost),
          },
        },
        {
          type: 'metric',
          x: 0,
          y: 24,
          width: 12,
          height: 6,
          properties: {
            title: 'Month-to-date spend per consumer (USD, the ledger) and refusals by a limit',
            region: props.region,
            stat: 'Maximum',
            period: 300,
            view: 'timeSeries',
            metrics: [
              ...perConsumer(m.names.consumerSpend),
              ...consumers.map((c) => [
                m.namespace,
                m.names.limitRefusals,
                m.dimensions.environment,
                props.environment,
                m.dimensions.consumer,
                c,
                { label: `${c} refusals`, stat: 'Sum', yAxis: 'right' },
              ]),
            ],
          },
        },
      );
    }
    (props.endpointNames ?? DEFAULTS.endpointNames).forEach((e, n) =>
      widgets.push(
        widget(
          `${e}: invocations, 5xx, model latency p99`,
          [
            ['AWS/SageMaker', 'Invocations', 'EndpointName', e, 'VariantName', 'AllTraffic'],
            ['AWS/SageMaker', 'Invocation5XXErrors', 'EndpointName', e, 'VariantName', 'AllTraffic'],
            ['AWS/SageMaker', 'ModelLatency', 'EndpointName', e, 'VariantName', 'AllTraffic', { stat: 'p99' }],
          ],
          30 + 6 * Math.floor(n / 2),
          12 * (n % 2),
        ),
      ),
    );
    const alarmArns = props.alarmArns ?? DEFAULTS.alarmArns;
    if (alarmArns.length) {
      widgets.push({
        type: 'alarm',
        x: 0,
        y: 100,
        width: 24,
        height: 4,
        properties: { title: 'Alarms', alarms: [...alarmArns] },
      });
    }
    new CloudwatchDashboard(this, 'Resource', {
      dashboardName: props.dashboardName,
      dashboardBody: JSON.stringify({ widgets }),
    });
  }
}
