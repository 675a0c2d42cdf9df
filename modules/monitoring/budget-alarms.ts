import { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { validateProps } from '../validation';
import { ROUTER_METRICS } from './metrics';
import { BUDGET_ALARMS_RULES } from './validate';

export interface BudgetAlarmsProps {
  /** Prefix of every alarm name (`fm-<env>`). */
  readonly namePrefix: string;
  /** Value of the router metrics' `Environment` dimension. */
  readonly environment: string;
  /** One alarm per consumer budget: the month-to-date spend (USD) that alarms, and the budget itself. */
  readonly budgets: readonly { readonly consumer: string; readonly alarmAtUsd: number; readonly budgetUsd: number }[];
  /** @default - no actions */
  readonly alarmActions?: readonly string[];
}

/**
 * A budget alarm per consumer: the router writes a consumer's month-to-date spend as the ledger
 * counts it (ConsumerSpendUsd, at each budget lease it takes), and the alarm fires when its Maximum
 * reaches the soft threshold. Missing data keeps the alarm's state: the gauge is written only while
 * the consumer draws on its budget, and spend never falls within a month (a new month's first lease
 * writes the new, lower figure, which clears it).
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
 */
export class BudgetAlarms extends Construct {
  /** The alarms, by consumer. */
  readonly alarms: ReadonlyMap<string, CloudwatchMetricAlarm>;

  constructor(scope: Construct, id: string, props: BudgetAlarmsProps) {
    super(scope, id);
    validateProps(this, 'BudgetAlarms', props, BUDGET_ALARMS_RULES);
    const m = ROUTER_METRICS;
    const actions = props.alarmActions
      ? { alarmActions: [...props.alarmActions], okActions: [...props.alarmActions] }
      : {};
    this.alarms = new Map(
      props.budgets.map((b) => [
        b.consumer,
        new CloudwatchMetricAlarm(this, `Budget-${b.consumer}`, {
          alarmName: `${props.namePrefix}-budget-${b.consumer}`,
          alarmDescription: `consumer ${b.consumer} spent ${b.alarmAtUsd} USD or more of its ${b.budgetUsd} USD monthly budget (router EMF metrics, the spend ledger's count)`,
          namespace: m.namespace,
          metricName: m.names.consumerSpend,
          dimensions: { [m.dimensions.environment]: props.environment, [m.dimensions.consumer]: b.consumer },
          statistic: 'Maximum',
          period: 300,
          evaluationPeriods: 1,
          threshold: b.alarmAtUsd,
          comparisonOperator: 'GreaterThanOrEqualToThreshold',
          treatMissingData: 'ignore',
          ...actions,
        }),
      ]),
    );
  }
}
