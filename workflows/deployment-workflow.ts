import { DEPLOYMENT_EVENT, DEPLOYMENT_TABLE_KEYS, type DeploymentOutcome } from '../contracts/model-deployment';
import type { Json, State, StateMachineDefinition } from './asl';

/*
 * The deployment pipeline of one registry-driven SageMaker model in one environment: a Standard
 * workflow that moves the endpoint to a model package version with the environment's blue/green
 * policy and alarm rollback, and records how it ended. Terraform creates the endpoint once and leaves
 * its configuration to this workflow (modules/sagemaker/model-endpoint.ts, `pipelineManaged`), so
 * provider 5.100.0's endpoint update path is never taken:
 * - an `endpoint_config_name` change not applied (https://github.com/hashicorp/terraform-provider-aws/issues/40048,
 *   fixed in 6.21.0 by https://github.com/hashicorp/terraform-provider-aws/issues/42843): the workflow
 *   calls UpdateEndpoint itself;
 * - the waiter has no `RollingBack` state (https://github.com/hashicorp/terraform-provider-aws/pull/49020):
 *   the poll loop below waits through `Updating`, `RollingBack` and `SystemUpdating`;
 * - a SageMaker-side rollback recorded as success (https://github.com/hashicorp/terraform-provider-aws/issues/48997,
 *   https://github.com/hashicorp/terraform-provider-aws/issues/46663): the workflow compares the
 *   configuration the endpoint ends on with the one it asked for, whatever FailureReason says (it may be
 *   empty after an auto-rollback);
 * - create_before_destroy deleting the configuration still in use: the workflow deletes nothing; what a
 *   roll-out leaves behind (the previous model and configuration) is what a rollback goes back to.
 *
 * Input: `{"modelPackageArn": "arn:aws:sagemaker:…:model-package/<group>/<version>", "trigger": "promote"}`.
 * Tasks are Step Functions AWS SDK integrations, `arn:aws:states:::aws-sdk:<service>:<apiAction>` with
 * PascalCase parameters, whose errors are `<Service>.<Exception>`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html), and the
 * optimized DynamoDB and EventBridge integrations
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-ddb.html,
 * https://docs.aws.amazon.com/step-functions/latest/dg/connect-eventbridge.html).
 */

export const SDK = (service: string, action: string) => `arn:aws:states:::aws-sdk:${service}:${action}`;
export const PUT_ITEM_TASK = 'arn:aws:states:::dynamodb:putItem';
export const PUT_EVENTS_TASK = 'arn:aws:states:::events:putEvents';

/** The production variant the pipeline's configurations carry: the one Terraform's first configuration has. */
export type DeploymentVariant =
  | {
      readonly VariantName: string;
      readonly InstanceType: string;
      readonly InitialInstanceCount: number;
      readonly InitialVariantWeight: number;
    }
  | {
      readonly VariantName: string;
      readonly ServerlessConfig: { readonly MemorySizeInMB: number; readonly MaxConcurrency: number };
    };

/** SageMaker's DeploymentConfig (UpdateEndpoint), in the API's own shape. */
export interface DeploymentConfig {
  readonly BlueGreenUpdatePolicy: {
    readonly TrafficRoutingConfiguration: Readonly<Record<string, string | number | { Type: string; Value: number }>>;
    readonly MaximumExecutionTimeoutInSeconds: number;
    readonly TerminationWaitInSeconds: number;
  };
  readonly AutoRollbackConfiguration: { readonly Alarms: readonly { readonly AlarmName: string }[] };
}

export interface DeploymentWorkflowProps {
  readonly modelId: string;
  readonly environment: string;
  readonly endpointName: string;
  /** `arn:aws:sagemaker:<region>:<account>:model-package/<group>/`: only versions of this group are deployed. */
  readonly packageArnPrefix: string;
  /** The models and configurations the workflow creates are `<namePrefix>-v<version>-<8 hex>` (at most 63 characters). */
  readonly namePrefix: string;
  /** The endpoint's execution role (the one Terraform's model uses). */
  readonly executionRoleArn: string;
  readonly containerEnvironment: Readonly<Record<string, string>>;
  readonly networkIsolation: boolean;
  readonly variant: DeploymentVariant;
  /** The volume key, where the instance type allows one. */
  readonly kmsKeyArn?: string;
  readonly deploymentConfig: DeploymentConfig;
  /** The deployments table (its name or ARN). */
  readonly tableName: string;
  /** Seconds between two DescribeEndpoint calls. @default 30 */
  readonly pollSeconds?: number;
}

export const DEPLOYMENT_STATES = {
  describePackage: 'DescribePackage',
  describeBefore: 'DescribeEndpointBefore',
  describeBeforeConfig: 'DescribeConfigBefore',
  describeBeforeModel: 'DescribeModelBefore',
  createModel: 'CreateModel',
  createConfig: 'CreateEndpointConfig',
  update: 'UpdateEndpoint',
  wait: 'WaitForUpdate',
  poll: 'DescribeEndpoint',
  readAlarms: 'ReadAlarms',
  record: 'RecordOutcome',
  emit: 'EmitEvent',
} as const;

/** The longest a model or configuration name may be, and what the workflow appends (`-v<version>-<8 hex>`). */
export const MAX_RESOURCE_NAME = 63;
export const NAME_SUFFIX_ROOM = '-v99999-12345678'.length;

/** How long the workflow may run: SageMaker's own deployment timeout, then as long again for a rollback and provisioning. */
export function deploymentTimeoutSeconds(config: DeploymentConfig): number {
  return 2 * config.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds + 1800;
}

/** Every field of the outcome, set once per path: the record and the event are written from it. */
function outcome(
  kind: DeploymentOutcome,
  fields: { serving: string; previous: string; config: string; alarms: string; reason: string },
  next: string,
): State {
  const value = (v: string) => (v.startsWith('$') || v.startsWith('States.') ? v : undefined);
  const field = (key: string, v: string): Record<string, Json> =>
    value(v) !== undefined ? { [`${key}.$`]: v } : { [key]: v };
  return {
    Type: 'Pass',
    Parameters: {
      outcome: kind,
      ...field('servingPackageArn', fields.serving),
      ...field('previousPackageArn', fields.previous),
      ...field('endpointConfigName', fields.config),
      ...field('alarms', fields.alarms),
      ...field('failureReason', fields.reason),
    },
    ResultPath: '$.result',
    Next: next,
  };
}

/** Choice rules: the configuration serving has the capacity of `variant` (what Terraform's variant would be). */
function sameCapacity(variant: DeploymentVariant): Json[] {
  const v = '$.beforeConfig.variant';
  if ('InstanceType' in variant)
    return [
      { Variable: `${v}.InstanceType`, IsPresent: true },
      { Variable: `${v}.InstanceType`, StringEquals: variant.InstanceType },
      { Variable: `${v}.InitialInstanceCount`, IsPresent: true },
      { Variable: `${v}.InitialInstanceCount`, NumericEquals: variant.InitialInstanceCount },
    ];
  const c = variant.ServerlessConfig;
  return [
    { Variable: `${v}.ServerlessConfig`, IsPresent: true },
    { Variable: `${v}.ServerlessConfig.MemorySizeInMB`, NumericEquals: c.MemorySizeInMB },
    { Variable: `${v}.ServerlessConfig.MaxConcurrency`, NumericEquals: c.MaxConcurrency },
  ];
}

export function deploymentWorkflowDefinition(p: DeploymentWorkflowProps): StateMachineDefinition {
  const s = DEPLOYMENT_STATES;
  const poll = p.pollSeconds ?? 30;
  const catchAll = (next: string) => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];
  // SageMaker's control plane throttles per account: a throttled call is retried before it counts as a failure.
  const throttled = [
    {
      ErrorEquals: ['SageMaker.ThrottlingException'],
      IntervalSeconds: 2,
      MaxAttempts: 5,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    },
  ];
  const variant: Record<string, Json> = {
    ...(p.variant as unknown as Record<string, Json>),
    'ModelName.$': '$.names.name',
  };
  const str = (path: string) => ({ 'S.$': path });
  const states: Record<string, State> = {
    Request: {
      Type: 'Pass',
      Parameters: {
        'packageArn.$': '$.modelPackageArn',
        'trigger.$': '$.trigger',
      },
      ResultPath: '$.request',
      Next: 'OfTheModelsGroup',
    },
    OfTheModelsGroup: {
      Type: 'Choice',
      Choices: [{ Variable: '$.request.packageArn', StringMatches: `${p.packageArnPrefix}*`, Next: s.describePackage }],
      Default: 'NotOfTheGroup',
    },
    NotOfTheGroup: outcome(
      'refused',
      {
        serving: '',
        previous: '',
        config: '',
        alarms: '[]',
        reason: `States.Format('{} is not a version of ${p.packageArnPrefix.replace(/'/g, '')}', $.request.packageArn)`,
      },
      s.record,
    ),
    [s.describePackage]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'describeModelPackage'),
      Parameters: { 'ModelPackageName.$': '$.request.packageArn' },
      ResultSelector: { 'status.$': '$.ModelApprovalStatus', 'version.$': '$.ModelPackageVersion' },
      ResultPath: '$.package',
      Catch: catchAll('NoSuchPackage'),
      Next: 'IsApproved',
    },
    NoSuchPackage: outcome(
      'refused',
      { serving: '', previous: '', config: '', alarms: '[]', reason: '$.error.Cause' },
      s.record,
    ),
    IsApproved: {
      Type: 'Choice',
      Choices: [{ Variable: '$.package.status', StringEquals: 'Approved', Next: s.describeBefore }],
      Default: 'NotApproved',
    },
    NotApproved: outcome(
      'refused',
      {
        serving: '',
        previous: '',
        config: '',
        alarms: '[]',
        reason: "States.Format('model package {} is {}, not Approved', $.request.packageArn, $.package.status)",
      },
      s.record,
    ),
    [s.describeBefore]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'describeEndpoint'),
      Parameters: { EndpointName: p.endpointName },
      ResultSelector: { 'configName.$': '$.EndpointConfigName', 'status.$': '$.EndpointStatus' },
      ResultPath: '$.before',
      Next: 'IsIdle',
    },
    IsIdle: {
      Type: 'Choice',
      Choices: [{ Variable: '$.before.status', StringEquals: 'InService', Next: s.describeBeforeConfig }],
      Default: 'Busy',
    },
    Busy: outcome(
      'refused',
      {
        serving: '',
        previous: '',
        config: '$.before.configName',
        alarms: '[]',
        reason: `States.Format('endpoint ${p.endpointName} is {}, not InService: another update is running', $.before.status)`,
      },
      s.record,
    ),
    [s.describeBeforeConfig]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'describeEndpointConfig'),
      Parameters: { 'EndpointConfigName.$': '$.before.configName' },
      ResultSelector: { 'modelName.$': '$.ProductionVariants[0].ModelName', 'variant.$': '$.ProductionVariants[0]' },
      ResultPath: '$.beforeConfig',
      Next: s.describeBeforeModel,
    },
    [s.describeBeforeModel]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'describeModel'),
      Parameters: { 'ModelName.$': '$.beforeConfig.modelName' },
      ResultSelector: { 'packageArn.$': '$.PrimaryContainer.ModelPackageName' },
      ResultPath: '$.beforeModel',
      Next: 'AlreadyServing',
    },
    // Idempotent: the deploy job promotes on every apply; the version already serving on the capacity the
    // environment asks for changes nothing. A capacity change (instance type or count) is a new configuration.
    AlreadyServing: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.beforeModel.packageArn', StringEqualsPath: '$.request.packageArn' },
            ...sameCapacity(p.variant),
          ],
          Next: 'Unchanged',
        },
      ],
      Default: 'Names',
    },
    Unchanged: {
      Type: 'Succeed',
      OutputPath: '$.beforeModel',
    },
    Names: {
      Type: 'Pass',
      Parameters: {
        'name.$': `States.Format('${p.namePrefix}-v{}-{}', $.package.version, States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))`,
      },
      ResultPath: '$.names',
      Next: s.createModel,
    },
    [s.createModel]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'createModel'),
      Parameters: {
        'ModelName.$': '$.names.name',
        ExecutionRoleArn: p.executionRoleArn,
        EnableNetworkIsolation: p.networkIsolation,
        PrimaryContainer: {
          'ModelPackageName.$': '$.request.packageArn',
          Environment: { ...p.containerEnvironment },
        },
      },
      ResultPath: null,
      Catch: catchAll('NotStarted'),
      Next: s.createConfig,
    },
    [s.createConfig]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'createEndpointConfig'),
      Parameters: {
        'EndpointConfigName.$': '$.names.name',
        ProductionVariants: [variant],
        ...(p.kmsKeyArn !== undefined ? { KmsKeyId: p.kmsKeyArn } : {}),
      },
      ResultPath: null,
      Catch: catchAll('NotStarted'),
      Next: s.update,
    },
    [s.update]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'updateEndpoint'),
      Parameters: {
        EndpointName: p.endpointName,
        'EndpointConfigName.$': '$.names.name',
        DeploymentConfig: p.deploymentConfig as unknown as Json,
      },
      ResultPath: null,
      Catch: catchAll('NotStarted'),
      Next: s.wait,
    },
    NotStarted: outcome(
      'failed',
      {
        serving: '$.beforeModel.packageArn',
        previous: '$.beforeModel.packageArn',
        config: '$.before.configName',
        alarms: '[]',
        reason: '$.error.Cause',
      },
      s.record,
    ),
    [s.wait]: { Type: 'Wait', Seconds: poll, Next: s.poll },
    [s.poll]: {
      Type: 'Task',
      Resource: SDK('sagemaker', 'describeEndpoint'),
      Parameters: { EndpointName: p.endpointName },
      ResultPath: '$.after',
      // A throttled or failed poll is polled again: the update runs on regardless.
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: poll, MaxAttempts: 5, BackoffRate: 1.5 }],
      Next: 'Progress',
    },
    Progress: {
      Type: 'Choice',
      Choices: [
        {
          Or: ['Updating', 'RollingBack', 'SystemUpdating'].map((st) => ({
            Variable: '$.after.EndpointStatus',
            StringEquals: st,
          })),
          Next: s.wait,
        },
        {
          And: [
            { Variable: '$.after.EndpointStatus', StringEquals: 'InService' },
            { Variable: '$.after.EndpointConfigName', StringEqualsPath: '$.names.name' },
          ],
          Next: 'Served',
        },
        // InService on another configuration: SageMaker went back to the old one (an alarm, or a fleet that never started).
        { Variable: '$.after.EndpointStatus', StringEquals: 'InService', Next: s.readAlarms },
      ],
      Default: 'Reason',
    },
    Served: outcome(
      'serving',
      {
        serving: '$.request.packageArn',
        previous: '$.beforeModel.packageArn',
        config: '$.after.EndpointConfigName',
        alarms: '[]',
        reason: '',
      },
      s.record,
    ),
    [s.readAlarms]: {
      Type: 'Task',
      Resource: SDK('cloudwatch', 'describeAlarms'),
      Parameters: {
        AlarmNames: p.deploymentConfig.AutoRollbackConfiguration.Alarms.map((a) => a.AlarmName),
        StateValue: 'ALARM',
      },
      ResultSelector: { 'list.$': '$.MetricAlarms' },
      ResultPath: '$.alarms',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.alarmsError', Next: 'Reason' }],
      Next: 'AnyAlarm',
    },
    // A wildcard path over an empty list has no value: take the names only when some alarm is in ALARM.
    AnyAlarm: {
      Type: 'Choice',
      Choices: [{ Variable: '$.alarms.list[0]', IsPresent: true, Next: 'AlarmNames' }],
      Default: 'Reason',
    },
    AlarmNames: {
      Type: 'Pass',
      Parameters: { 'names.$': '$.alarms.list[*].AlarmName' },
      ResultPath: '$.alarms',
      Next: 'Reason',
    },
    // FailureReason is optional in DescribeEndpoint's answer (and empty after some rollbacks).
    Reason: {
      Type: 'Choice',
      Choices: [{ Variable: '$.after.FailureReason', IsPresent: true, Next: 'WithReason' }],
      Default: 'NoReason',
    },
    WithReason: {
      Type: 'Pass',
      Parameters: { 'text.$': '$.after.FailureReason' },
      ResultPath: '$.reason',
      Next: 'Cause',
    },
    NoReason: { Type: 'Pass', Parameters: { text: '' }, ResultPath: '$.reason', Next: 'Cause' },
    Cause: {
      Type: 'Choice',
      Choices: [{ Variable: '$.after.EndpointStatus', StringEquals: 'InService', Next: 'Reverted' }],
      Default: 'EndpointFailed',
    },
    Reverted: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.alarms.names', IsPresent: true },
            { Variable: '$.alarms.names[0]', IsPresent: true },
          ],
          Next: 'RolledBack',
        },
      ],
      Default: 'NotProvisioned',
    },
    RolledBack: outcome(
      'rolled-back',
      {
        serving: '$.beforeModel.packageArn',
        previous: '$.beforeModel.packageArn',
        config: '$.after.EndpointConfigName',
        alarms: 'States.JsonToString($.alarms.names)',
        reason: '$.reason.text',
      },
      s.record,
    ),
    NotProvisioned: outcome(
      'failed',
      {
        serving: '$.beforeModel.packageArn',
        previous: '$.beforeModel.packageArn',
        config: '$.after.EndpointConfigName',
        alarms: '[]',
        reason: '$.reason.text',
      },
      s.record,
    ),
    EndpointFailed: outcome(
      'failed',
      {
        serving: '',
        previous: '$.beforeModel.packageArn',
        config: '$.after.EndpointConfigName',
        alarms: '[]',
        reason: '$.reason.text',
      },
      s.record,
    ),
    [s.record]: {
      Type: 'Task',
      Resource: PUT_ITEM_TASK,
      Parameters: {
        TableName: p.tableName,
        Item: {
          [DEPLOYMENT_TABLE_KEYS.partitionKey]: { S: p.modelId },
          [DEPLOYMENT_TABLE_KEYS.sortKey]: {
            'S.$': "States.Format('{}#{}', $$.Execution.StartTime, $$.Execution.Name)",
          },
          outcome: str('$.result.outcome'),
          requestedPackageArn: str('$.request.packageArn'),
          servingPackageArn: str('$.result.servingPackageArn'),
          previousPackageArn: str('$.result.previousPackageArn'),
          endpointName: { S: p.endpointName },
          endpointConfigName: str('$.result.endpointConfigName'),
          alarms: str('$.result.alarms'),
          failureReason: str('$.result.failureReason'),
          trigger: str('$.request.trigger'),
          execution: str('$$.Execution.Id'),
        },
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Next: s.emit,
    },
    [s.emit]: {
      Type: 'Task',
      Resource: PUT_EVENTS_TASK,
      Parameters: {
        Entries: [
          {
            Source: DEPLOYMENT_EVENT.source,
            DetailType: DEPLOYMENT_EVENT.detailType,
            Detail: {
              model: p.modelId,
              environment: p.environment,
              endpointName: p.endpointName,
              'requestedPackageArn.$': '$.request.packageArn',
              'trigger.$': '$.request.trigger',
              'outcome.$': '$.result.outcome',
              'servingPackageArn.$': '$.result.servingPackageArn',
              'previousPackageArn.$': '$.result.previousPackageArn',
              'alarms.$': '$.result.alarms',
              'failureReason.$': '$.result.failureReason',
              'execution.$': '$$.Execution.Id',
            },
          },
        ],
      },
      ResultPath: null,
      // The record is written: a lost event does not undo the roll-out.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.eventError', Next: 'Done' }],
      Next: 'Done',
    },
    Done: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.result.outcome', StringEquals: 'serving', Next: 'Serving' },
        { Variable: '$.result.outcome', StringEquals: 'rolled-back', Next: 'RolledBackCause' },
        { Variable: '$.result.outcome', StringEquals: 'refused', Next: 'DeploymentRefused' },
      ],
      Default: 'FailedCause',
    },
    Serving: { Type: 'Succeed', OutputPath: '$.result' },
    // A roll-out that did not end serving the version fails the execution, so the deploy job and `npm run rollback` fail with it.
    // The cause is composed first: CausePath takes a path (the local interpreter reads no intrinsic there).
    RolledBackCause: {
      Type: 'Pass',
      Parameters: {
        'text.$':
          "States.Format('rolled back on the alarms {}; {} still serves', $.result.alarms, $.result.servingPackageArn)",
      },
      ResultPath: '$.cause',
      Next: 'DeploymentRolledBack',
    },
    DeploymentRolledBack: { Type: 'Fail', Error: 'Deployment.RolledBack', CausePath: '$.cause.text' },
    DeploymentRefused: { Type: 'Fail', Error: 'Deployment.Refused', CausePath: '$.result.failureReason' },
    FailedCause: {
      Type: 'Pass',
      Parameters: {
        'text.$': "States.Format('{} (serving: {})', $.result.failureReason, $.result.servingPackageArn)",
      },
      ResultPath: '$.cause',
      Next: 'DeploymentFailed',
    },
    DeploymentFailed: { Type: 'Fail', Error: 'Deployment.Failed', CausePath: '$.cause.text' },
  };
  return {
    Comment: `fm-platform ${p.environment}: deploy a model package version of ${p.modelId} to ${p.endpointName}, blue/green with alarm rollback`,
    QueryLanguage: 'JSONPath',
    StartAt: 'Request',
    TimeoutSeconds: deploymentTimeoutSeconds(p.deploymentConfig),
    States: states,
  };
}
