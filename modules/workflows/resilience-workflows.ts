import { Construct } from 'constructs';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { bedrockStatements, type ModelInvocationTarget } from '../bedrock/model-access';
import { RolePolicy, serviceTrust, type PolicyStatement } from '../iam/role-policy';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logs/retention';
import { validateProps } from '../validation';
import { workflowNames } from './names';
import { RESILIENCE_WORKFLOWS_RULES } from './validate';

/** One route's workflow: its definition and exactly what it may call. */
export interface RouteWorkflow {
  readonly routeId: string;
  /** The Amazon States Language definition (workflows/route-workflow.ts), as JSON. */
  readonly definitionJson: string;
  /** The Bedrock calls the workflow makes (its candidates' primary-Region invocations). */
  readonly bedrockInvocations: readonly ModelInvocationTarget[];
  /** Whether a candidate is called through the router Lambda (SageMaker-hosted models). */
  readonly invokesRouter: boolean;
}

export interface ResilienceWorkflowsProps {
  /** Prefix of every name (`fm-<env>`). */
  readonly namePrefix: string;
  readonly account: string;
  readonly region: string;
  readonly routes: readonly RouteWorkflow[];
  /** The scheduled half-open/probe workflow. */
  readonly recovery: { readonly definitionJson: string; readonly bedrockInvocations: readonly ModelInvocationTarget[] };
  readonly circuitTableArn: string;
  readonly routerFunctionArn: string;
  /** Encrypts the log group and the circuit table (the workflows read and write its items). */
  readonly kmsKeyArn: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** Log inputs and outputs (prompt and completion text). @default false */
  readonly includeExecutionData?: boolean;
  /** When the recovery workflow runs. @default 'rate(1 minute)' */
  readonly recoverySchedule?: string;
  /** @default - no actions */
  readonly alarmActions?: readonly string[];
}

/** The optional props' defaults. */
const DEFAULTS = {
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
  includeExecutionData: false,
  recoverySchedule: 'rate(1 minute)',
} as const;

// Step Functions' log delivery APIs have no resource-level permissions: AWS documents `*` as the only resource.
const LOG_DELIVERY: PolicyStatement = {
  sid: 'LogDelivery',
  actions: [
    'logs:CreateLogDelivery',
    'logs:GetLogDelivery',
    'logs:UpdateLogDelivery',
    'logs:DeleteLogDelivery',
    'logs:ListLogDeliveries',
    'logs:PutResourcePolicy',
    'logs:DescribeResourcePolicies',
    'logs:DescribeLogGroups',
  ],
  resources: ['*'],
};
// X-Ray's segment and sampling APIs have no resource-level permissions either.
const TRACING: PolicyStatement = {
  sid: 'Tracing',
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
  resources: ['*'],
};

/**
 * The circuit-breaker workflows of one environment: an Express state machine per route, a scheduled
 * Express recovery state machine, their least-privilege roles, one encrypted log group, X-Ray
 * tracing, and an alarm on failed executions of each.
 *
 * Recovery is Express: it runs every minute for seconds, is idempotent (conditional writes), and
 * Standard's per-transition price and execution history buy nothing here.
 */
export class ResilienceWorkflows extends Construct {
  /** State machine ARN per route id: start one with `StartSyncExecution`. */
  readonly routeStateMachineArns: Record<string, string> = {};
  readonly recoveryStateMachineArn: string;
  readonly logGroupName: string;
  readonly roles: Record<string, IamRole> = {};
  readonly alarms: CloudwatchMetricAlarm[] = [];

  constructor(scope: Construct, id: string, props: ResilienceWorkflowsProps) {
    super(scope, id);
    validateProps(this, 'ResilienceWorkflows', props, RESILIENCE_WORKFLOWS_RULES);
    const names = workflowNames(props.namePrefix);
    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: names.logGroup,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    // The name as written, not the group's attribute: the environment key's policy names it, and the group uses the key.
    this.logGroupName = names.logGroup;
    const source = [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.account] }];

    const machine = (key: string, name: string, definition: string, statements: PolicyStatement[]): SfnStateMachine => {
      const role = new IamRole(this, `Role-${key}`, {
        name: names.role(name),
        assumeRolePolicy: serviceTrust(this, `Trust-${key}`, 'states.amazonaws.com', source).json,
      });
      this.roles[key] = role;
      const policy = new RolePolicy(this, `Policy-${key}`, {
        role,
        policyName: 'workflow',
        statements: [...statements, ...this.circuitStatements(props), LOG_DELIVERY, TRACING],
      });
      const sm = new SfnStateMachine(this, key === 'recovery' ? 'Recovery' : `Route-${key}`, {
        name,
        type: 'EXPRESS',
        roleArn: role.arn,
        definition,
        loggingConfiguration: {
          logDestination: `${logGroup.arn}:*`,
          includeExecutionData: props.includeExecutionData ?? DEFAULTS.includeExecutionData,
          level: 'ALL',
        },
        tracingConfiguration: { enabled: true },
        dependsOn: [policy.resource],
      });
      this.alarms.push(
        new CloudwatchMetricAlarm(this, `Failed-${key}`, {
          alarmName: `${name}-executions-failed`,
          alarmDescription:
            key === 'recovery'
              ? 'the circuit recovery workflow failed'
              : `route ${key}: every candidate failed (or the workflow broke)`,
          namespace: 'AWS/States',
          metricName: 'ExecutionsFailed',
          dimensions: { StateMachineArn: sm.arn },
          statistic: 'Sum',
          period: 60,
          evaluationPeriods: 1,
          threshold: 0,
          comparisonOperator: 'GreaterThanThreshold',
          treatMissingData: 'notBreaching',
          ...(props.alarmActions ? { alarmActions: [...props.alarmActions], okActions: [...props.alarmActions] } : {}),
        }),
      );
      return sm;
    };

    for (const route of props.routes) {
      const invoke: PolicyStatement[] = route.bedrockInvocations.length
        ? onlyInvokeModel(bedrockStatements(route.bedrockInvocations))
        : [];
      if (route.invokesRouter)
        invoke.push({ sid: 'InvokeRouter', actions: ['lambda:InvokeFunction'], resources: [props.routerFunctionArn] });
      this.routeStateMachineArns[route.routeId] = machine(
        route.routeId,
        names.route(route.routeId),
        route.definitionJson,
        invoke,
      ).arn;
    }

    const recovery = machine(
      'recovery',
      names.recovery,
      props.recovery.definitionJson,
      props.recovery.bedrockInvocations.length
        ? onlyInvokeModel(bedrockStatements(props.recovery.bedrockInvocations))
        : [],
    );
    this.recoveryStateMachineArn = recovery.arn;

    const schedulerRole = new IamRole(this, 'SchedulerRole', {
      name: names.schedulerRole,
      assumeRolePolicy: serviceTrust(this, 'SchedulerTrust', 'scheduler.amazonaws.com', source).json,
    });
    this.roles.scheduler = schedulerRole;
    new RolePolicy(this, 'SchedulerPolicy', {
      role: schedulerRole,
      policyName: 'start-recovery',
      statements: [{ sid: 'StartRecovery', actions: ['states:StartExecution'], resources: [recovery.arn] }],
    });
    new SchedulerSchedule(this, 'RecoverySchedule', {
      name: names.recovery,
      description: 'half-opens expired circuits, probes them, closes or re-opens them',
      scheduleExpression: props.recoverySchedule ?? DEFAULTS.recoverySchedule,
      flexibleTimeWindow: { mode: 'OFF' },
      target: { arn: recovery.arn, roleArn: schedulerRole.arn, input: '{}', retryPolicy: { maximumRetryAttempts: 0 } },
    });
  }

  /** Read and conditionally write circuit items, and the table's key through DynamoDB only. */
  private circuitStatements(props: ResilienceWorkflowsProps): PolicyStatement[] {
    return [
      { sid: 'CircuitItems', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [props.circuitTableArn] },
      {
        sid: 'CircuitTableKey',
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [props.kmsKeyArn],
        conditions: [
          { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${props.region}.amazonaws.com`] },
        ],
      },
      // No key statement for the log group: CloudWatch Logs encrypts what Step Functions delivers under
      // its own principal, which the key policy allows for this group (modules/kms/environment-key.ts).
    ];
  }
}

/** The workflows call InvokeModel only (no streaming in Step Functions). */
function onlyInvokeModel(statements: PolicyStatement[]): PolicyStatement[] {
  return statements.map((s) =>
    s.actions.includes('bedrock:InvokeModel') ? { ...s, actions: ['bedrock:InvokeModel'] } : s,
  );
}
