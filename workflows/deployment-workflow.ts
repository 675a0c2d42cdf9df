import { DEPLOYMENT_EVENT, DEPLOYMENT_TABLE_KEYS, type DeploymentOutcome } from '../contracts/model-deployment';
import { DR_DEPLOY_ERRORS, MODEL_PACKAGE_ENV } from '../contracts/dr-deployment';
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
 * Where the environment has a DR endpoint (hosting/sagemaker/dr.ts), a second phase follows the primary
 * one in the same execution: once the version serves in the primary Region (or already did), the DR
 * endpoint is moved to it the same way, its calls made by the DR function in the DR Region
 * (contracts/dr-deployment.ts says why): the version's container copied there with the Region's image and
 * the replica of its weights, after S3 reports them replicated (the phase waits while they replicate). A
 * primary roll-out that did not end serving leaves the DR endpoint alone; a DR phase that did not end
 * serving is recorded as its own outcome and fails the execution, the primary keeping the new version.
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

/** One endpoint the workflow rolls out, as Terraform created it: what its new models and configurations copy. */
export interface RolloutTarget {
  readonly endpointName: string;
  /** The models and configurations the workflow creates are `<namePrefix>-v<version>-<8 hex>` (at most 63 characters). */
  readonly namePrefix: string;
  /** The endpoint's execution role (the one Terraform's model uses). */
  readonly executionRoleArn: string;
  readonly networkIsolation: boolean;
  readonly variant: DeploymentVariant;
  /** The volume key, where the instance type allows one. */
  readonly kmsKeyArn?: string;
  /** The blue/green policy with the endpoint's own rollback alarms. */
  readonly deploymentConfig: DeploymentConfig;
}

export interface DeploymentWorkflowProps extends RolloutTarget {
  readonly modelId: string;
  readonly environment: string;
  /** `arn:aws:sagemaker:<region>:<account>:model-package/<group>/`: only versions of this group are deployed. */
  readonly packageArnPrefix: string;
  readonly containerEnvironment: Readonly<Record<string, string>>;
  /** The deployments table (its name or ARN). */
  readonly tableName: string;
  /** Seconds between two DescribeEndpoint calls. @default 30 */
  readonly pollSeconds?: number;
  /** The DR endpoint that follows each version the primary serves. @default - none */
  readonly disasterRecovery?: DisasterRecoveryPhaseProps;
}

/** The DR endpoint of a model and how the pipeline reaches it. */
export interface DisasterRecoveryPhaseProps extends RolloutTarget {
  readonly region: string;
  /** The DR function (functions/dr-deploy) in the primary Region, which makes the calls in the DR Region. */
  readonly functionArn: string;
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

/** The DR phase's states are the primary phase's names with this prefix (`DrUpdateEndpoint`, `DrWaitForUpdate` …). */
export const DR_PHASE = 'Dr';

/** The longest a model or configuration name may be, and what the workflow appends (`-v<version>-<8 hex>`). */
export const MAX_RESOURCE_NAME = 63;
export const NAME_SUFFIX_ROOM = '-v99999-12345678'.length;

/** How long one roll-out may take: SageMaker's own deployment timeout, then as long again for a rollback and provisioning. */
function rolloutSeconds(config: DeploymentConfig): number {
  return 2 * config.BlueGreenUpdatePolicy.MaximumExecutionTimeoutInSeconds + 1800;
}

/** How long the DR phase waits for the weights to replicate: 45 asks a minute apart. */
export const REPLICA_WAIT = { intervalSeconds: 60, attempts: 45 } as const;

/** How long the workflow may run: the primary roll-out, and the DR one with its wait for the replica. */
export function deploymentTimeoutSeconds(config: DeploymentConfig, dr?: DeploymentConfig): number {
  return rolloutSeconds(config) + (dr ? rolloutSeconds(dr) + REPLICA_WAIT.intervalSeconds * REPLICA_WAIT.attempts : 0);
}

/** Every field of the outcome, set once per path: the record and the event are written from it. */
function outcome(
  kind: DeploymentOutcome,
  fields: { serving: string; previous: string; config: string; alarms: string; reason: string },
  resultPath: string,
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
    ResultPath: resultPath,
    Next: next,
  };
}

/** Choice rules: the configuration serving (at `config`) has the capacity of `variant` (what Terraform's variant would be). */
function sameCapacity(variant: DeploymentVariant, config: string): Json[] {
  const v = `${config}.variant`;
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

// SageMaker's control plane throttles per account: a throttled call is retried before it counts as a failure.
const THROTTLED: Json = {
  ErrorEquals: ['SageMaker.ThrottlingException'],
  IntervalSeconds: 2,
  MaxAttempts: 5,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};
// Lambda's own transient errors, retried as AWS advises for every Lambda task
// (https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html).
const LAMBDA_TRANSIENT: Json = {
  ErrorEquals: [
    'Lambda.ServiceException',
    'Lambda.AWSLambdaException',
    'Lambda.SdkClientException',
    'Lambda.TooManyRequestsException',
  ],
  IntervalSeconds: 2,
  MaxAttempts: 6,
  BackoffRate: 2,
  JitterStrategy: 'FULL',
};
export const LAMBDA_INVOKE_TASK = 'arn:aws:states:::lambda:invoke';

/** One endpoint's roll-out: the primary's through SDK integrations, the DR endpoint's through the DR function. */
interface Phase extends RolloutTarget {
  /** '' for the primary endpoint, DR_PHASE for the DR endpoint: prefixes its states' names and its data's keys. */
  readonly prefix: '' | typeof DR_PHASE;
  readonly region: string;
  readonly containerEnvironment: Readonly<Record<string, string>>;
  /** The DR function: every call of the phase goes through it. @default - SDK integrations */
  readonly functionArn?: string;
  /** Where the phase goes when its endpoint ends serving the version, or already did; undefined: the execution succeeds there. */
  readonly next?: string;
}

/** The states of one phase, from reading what its endpoint serves to the Fail states of a roll-out that did not end serving. */
function phaseStates(ph: Phase, p: DeploymentWorkflowProps): Record<string, State> {
  const s = DEPLOYMENT_STATES;
  const dr = ph.prefix !== '';
  const n = (name: string) => `${ph.prefix}${name}`;
  /** A key of the execution's data: `$.before`, or `$.drBefore` in the DR phase. */
  const d = (key: string) => (dr ? `$.${ph.prefix.toLowerCase()}${key[0].toUpperCase()}${key.slice(1)}` : `$.${key}`);
  const poll = p.pollSeconds ?? 30;
  const catchAll = (next: string) => [{ ErrorEquals: ['States.ALL'], ResultPath: d('error'), Next: next }];
  const retry: Json[] = dr ? [THROTTLED, LAMBDA_TRANSIENT] : [THROTTLED];
  /** A call in the phase's Region: an SDK integration, or the same call handed to the DR function. `root` is where its answer is. */
  const call = (service: 'sagemaker' | 'cloudwatch', action: string, parameters: Record<string, Json>) =>
    ph.functionArn === undefined
      ? { Resource: SDK(service, action), Parameters: parameters, root: '$' }
      : {
          Resource: LAMBDA_INVOKE_TASK,
          Parameters: { FunctionName: ph.functionArn, Payload: { action, input: parameters } },
          root: '$.Payload',
        };
  const task = (
    service: 'sagemaker' | 'cloudwatch',
    action: string,
    parameters: Record<string, Json>,
    rest: Record<string, Json>,
    selector?: (root: string) => Record<string, Json>,
  ): State => {
    const c = call(service, action, parameters);
    return {
      Type: 'Task',
      Resource: c.Resource,
      Parameters: c.Parameters,
      ...(selector ? { ResultSelector: selector(c.root) } : {}),
      ...rest,
    };
  };
  const variant: Record<string, Json> = {
    ...(ph.variant as unknown as Record<string, Json>),
    'ModelName.$': `${d('names')}.name`,
  };
  const str = (path: string) => ({ 'S.$': path });
  const result = d('result');
  const record = n(s.record);
  const where = dr ? `${ph.endpointName} in ${ph.region}` : ph.endpointName;

  const modelParameters: Record<string, Json> = {
    'ModelName.$': `${d('names')}.name`,
    ExecutionRoleArn: ph.executionRoleArn,
    EnableNetworkIsolation: ph.networkIsolation,
  };
  const createModel: State = dr
    ? task(
        'sagemaker',
        'createModelFromPackage',
        {
          ...modelParameters,
          Environment: { ...ph.containerEnvironment },
          'ModelPackageName.$': '$.request.packageArn',
        },
        {
          // The weights replicate asynchronously: the phase asks again until S3 reports every object in the DR Region.
          Retry: [
            ...retry,
            {
              ErrorEquals: [DR_DEPLOY_ERRORS.replicaPending],
              IntervalSeconds: REPLICA_WAIT.intervalSeconds,
              MaxAttempts: REPLICA_WAIT.attempts,
              BackoffRate: 1,
            },
          ],
          ResultPath: null,
          Catch: catchAll(n('NotStarted')),
          Next: n(s.createConfig),
        },
      )
    : task(
        'sagemaker',
        'createModel',
        {
          ...modelParameters,
          PrimaryContainer: {
            'ModelPackageName.$': '$.request.packageArn',
            Environment: { ...ph.containerEnvironment },
          },
        },
        { Retry: retry, ResultPath: null, Catch: catchAll(n('NotStarted')), Next: n(s.createConfig) },
      );

  // What a model serves: the package it names, or, for a DR model (packages are Regional), the version the
  // DR function wrote into its environment; none for the model Terraform first created there.
  const readModel: Record<string, State> = dr
    ? {
        [n(s.describeBeforeModel)]: task(
          'sagemaker',
          'describeModel',
          { 'ModelName.$': `${d('beforeConfig')}.modelName` },
          { Retry: retry, ResultPath: d('beforeModel'), Next: n('VersionKnown') },
          (root) => ({ 'container.$': `${root}.PrimaryContainer` }),
        ),
        [n('VersionKnown')]: {
          Type: 'Choice',
          Choices: [
            {
              Variable: `${d('beforeModel')}.container.Environment.${MODEL_PACKAGE_ENV}`,
              IsPresent: true,
              Next: n('VersionOfModel'),
            },
          ],
          Default: n('VersionUnknown'),
        },
        [n('VersionOfModel')]: {
          Type: 'Pass',
          Parameters: { 'packageArn.$': `${d('beforeModel')}.container.Environment.${MODEL_PACKAGE_ENV}` },
          ResultPath: d('beforeModel'),
          Next: n('AlreadyServing'),
        },
        [n('VersionUnknown')]: {
          Type: 'Pass',
          Parameters: { packageArn: '' },
          ResultPath: d('beforeModel'),
          Next: n('AlreadyServing'),
        },
      }
    : {
        [n(s.describeBeforeModel)]: task(
          'sagemaker',
          'describeModel',
          { 'ModelName.$': `${d('beforeConfig')}.modelName` },
          { Retry: retry, ResultPath: d('beforeModel'), Next: n('AlreadyServing') },
          (root) => ({ 'packageArn.$': `${root}.PrimaryContainer.ModelPackageName` }),
        ),
      };

  // The deploy job tells a DR endpoint left behind (Deployment.DisasterRecoveryFailed …) from a primary roll-out that failed.
  const errorName = (what: 'RolledBack' | 'Refused' | 'Failed') =>
    `${dr ? 'Deployment.DisasterRecovery' : 'Deployment.'}${what}`;
  const inRegion = dr ? `${ph.region}: ` : '';
  const also = dr ? `; {} serves in ${p.packageArnPrefix.split(':')[3]}` : '';
  const alsoArg = dr ? ', $.result.servingPackageArn' : '';

  return {
    [n(s.describeBefore)]: task(
      'sagemaker',
      'describeEndpoint',
      { EndpointName: ph.endpointName },
      { Retry: retry, ResultPath: d('before'), Next: n('IsIdle') },
      (root) => ({ 'configName.$': `${root}.EndpointConfigName`, 'status.$': `${root}.EndpointStatus` }),
    ),
    [n('IsIdle')]: {
      Type: 'Choice',
      Choices: [{ Variable: `${d('before')}.status`, StringEquals: 'InService', Next: n(s.describeBeforeConfig) }],
      Default: n('Busy'),
    },
    [n('Busy')]: outcome(
      'refused',
      {
        serving: '',
        previous: '',
        config: `${d('before')}.configName`,
        alarms: '[]',
        reason: `States.Format('endpoint ${where} is {}, not InService: another update is running', ${d('before')}.status)`,
      },
      result,
      record,
    ),
    [n(s.describeBeforeConfig)]: task(
      'sagemaker',
      'describeEndpointConfig',
      { 'EndpointConfigName.$': `${d('before')}.configName` },
      { Retry: retry, ResultPath: d('beforeConfig'), Next: n(s.describeBeforeModel) },
      (root) => ({
        'modelName.$': `${root}.ProductionVariants[0].ModelName`,
        'variant.$': `${root}.ProductionVariants[0]`,
      }),
    ),
    ...readModel,
    // Idempotent: the deploy job promotes on every apply; the version already serving on the capacity the
    // environment asks for changes nothing. A capacity change (instance type or count) is a new configuration.
    [n('AlreadyServing')]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: `${d('beforeModel')}.packageArn`, StringEqualsPath: '$.request.packageArn' },
            ...sameCapacity(ph.variant, d('beforeConfig')),
          ],
          Next: n('Unchanged'),
        },
      ],
      Default: n('Names'),
    },
    [n('Unchanged')]:
      ph.next === undefined
        ? { Type: 'Succeed', OutputPath: d('beforeModel') }
        : {
            Type: 'Pass',
            Parameters: {
              outcome: 'unchanged',
              'servingPackageArn.$': '$.request.packageArn',
              'endpointConfigName.$': `${d('before')}.configName`,
            },
            ResultPath: result,
            Next: ph.next,
          },
    [n('Names')]: {
      Type: 'Pass',
      Parameters: {
        'name.$': `States.Format('${ph.namePrefix}-v{}-{}', $.package.version, States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))`,
      },
      ResultPath: d('names'),
      Next: n(s.createModel),
    },
    [n(s.createModel)]: createModel,
    [n(s.createConfig)]: task(
      'sagemaker',
      'createEndpointConfig',
      {
        'EndpointConfigName.$': `${d('names')}.name`,
        ProductionVariants: [variant],
        ...(ph.kmsKeyArn !== undefined ? { KmsKeyId: ph.kmsKeyArn } : {}),
      },
      { Retry: retry, ResultPath: null, Catch: catchAll(n('NotStarted')), Next: n(s.update) },
    ),
    [n(s.update)]: task(
      'sagemaker',
      'updateEndpoint',
      {
        EndpointName: ph.endpointName,
        'EndpointConfigName.$': `${d('names')}.name`,
        DeploymentConfig: ph.deploymentConfig as unknown as Json,
      },
      { Retry: retry, ResultPath: null, Catch: catchAll(n('NotStarted')), Next: n(s.wait) },
    ),
    [n('NotStarted')]: outcome(
      'failed',
      {
        serving: `${d('beforeModel')}.packageArn`,
        previous: `${d('beforeModel')}.packageArn`,
        config: `${d('before')}.configName`,
        alarms: '[]',
        reason: `${d('error')}.Cause`,
      },
      result,
      record,
    ),
    [n(s.wait)]: { Type: 'Wait', Seconds: poll, Next: n(s.poll) },
    [n(s.poll)]: task(
      'sagemaker',
      'describeEndpoint',
      { EndpointName: ph.endpointName },
      {
        ResultPath: d('after'),
        // A throttled or failed poll is polled again: the update runs on regardless.
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: poll, MaxAttempts: 5, BackoffRate: 1.5 }],
        Next: n('Progress'),
      },
      (root) => ({ 'endpoint.$': root }),
    ),
    [n('Progress')]: {
      Type: 'Choice',
      Choices: [
        {
          Or: ['Updating', 'RollingBack', 'SystemUpdating'].map((st) => ({
            Variable: `${d('after')}.endpoint.EndpointStatus`,
            StringEquals: st,
          })),
          Next: n(s.wait),
        },
        {
          And: [
            { Variable: `${d('after')}.endpoint.EndpointStatus`, StringEquals: 'InService' },
            { Variable: `${d('after')}.endpoint.EndpointConfigName`, StringEqualsPath: `${d('names')}.name` },
          ],
          Next: n('Served'),
        },
        // InService on another configuration: SageMaker went back to the old one (an alarm, or a fleet that never started).
        { Variable: `${d('after')}.endpoint.EndpointStatus`, StringEquals: 'InService', Next: n(s.readAlarms) },
      ],
      Default: n('Reason'),
    },
    [n('Served')]: outcome(
      'serving',
      {
        serving: '$.request.packageArn',
        previous: `${d('beforeModel')}.packageArn`,
        config: `${d('after')}.endpoint.EndpointConfigName`,
        alarms: '[]',
        reason: '',
      },
      result,
      record,
    ),
    [n(s.readAlarms)]: task(
      'cloudwatch',
      'describeAlarms',
      { AlarmNames: ph.deploymentConfig.AutoRollbackConfiguration.Alarms.map((a) => a.AlarmName), StateValue: 'ALARM' },
      {
        ResultPath: d('alarms'),
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: d('alarmsError'), Next: n('Reason') }],
        Next: n('AnyAlarm'),
      },
      (root) => ({ 'list.$': `${root}.MetricAlarms` }),
    ),
    // A wildcard path over an empty list has no value: take the names only when some alarm is in ALARM.
    [n('AnyAlarm')]: {
      Type: 'Choice',
      Choices: [{ Variable: `${d('alarms')}.list[0]`, IsPresent: true, Next: n('AlarmNames') }],
      Default: n('Reason'),
    },
    [n('AlarmNames')]: {
      Type: 'Pass',
      Parameters: { 'names.$': `${d('alarms')}.list[*].AlarmName` },
      ResultPath: d('alarms'),
      Next: n('Reason'),
    },
    // FailureReason is optional in DescribeEndpoint's answer (and empty after some rollbacks).
    [n('Reason')]: {
      Type: 'Choice',
      Choices: [{ Variable: `${d('after')}.endpoint.FailureReason`, IsPresent: true, Next: n('WithReason') }],
      Default: n('NoReason'),
    },
    [n('WithReason')]: {
      Type: 'Pass',
      Parameters: { 'text.$': `${d('after')}.endpoint.FailureReason` },
      ResultPath: d('reason'),
      Next: n('Cause'),
    },
    [n('NoReason')]: { Type: 'Pass', Parameters: { text: '' }, ResultPath: d('reason'), Next: n('Cause') },
    [n('Cause')]: {
      Type: 'Choice',
      Choices: [{ Variable: `${d('after')}.endpoint.EndpointStatus`, StringEquals: 'InService', Next: n('Reverted') }],
      Default: n('EndpointFailed'),
    },
    [n('Reverted')]: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: `${d('alarms')}.names`, IsPresent: true },
            { Variable: `${d('alarms')}.names[0]`, IsPresent: true },
          ],
          Next: n('RolledBack'),
        },
      ],
      Default: n('NotProvisioned'),
    },
    [n('RolledBack')]: outcome(
      'rolled-back',
      {
        serving: `${d('beforeModel')}.packageArn`,
        previous: `${d('beforeModel')}.packageArn`,
        config: `${d('after')}.endpoint.EndpointConfigName`,
        alarms: `States.JsonToString(${d('alarms')}.names)`,
        reason: `${d('reason')}.text`,
      },
      result,
      record,
    ),
    [n('NotProvisioned')]: outcome(
      'failed',
      {
        serving: `${d('beforeModel')}.packageArn`,
        previous: `${d('beforeModel')}.packageArn`,
        config: `${d('after')}.endpoint.EndpointConfigName`,
        alarms: '[]',
        reason: `${d('reason')}.text`,
      },
      result,
      record,
    ),
    [n('EndpointFailed')]: outcome(
      'failed',
      {
        serving: '',
        previous: `${d('beforeModel')}.packageArn`,
        config: `${d('after')}.endpoint.EndpointConfigName`,
        alarms: '[]',
        reason: `${d('reason')}.text`,
      },
      result,
      record,
    ),
    ...endStates(ph, p, { result, record, n, str, failed: errorName, inRegion, also, alsoArg }),
  };
}

/** The record, the event, and how the phase ends: on to the next phase, or a Succeed or Fail state. */
function endStates(
  ph: Phase,
  p: DeploymentWorkflowProps,
  h: {
    result: string;
    record: string;
    n: (name: string) => string;
    str: (path: string) => Json;
    failed: (what: 'RolledBack' | 'Refused' | 'Failed') => string;
    inRegion: string;
    also: string;
    alsoArg: string;
  },
): Record<string, State> {
  const { result, n, str } = h;
  const done = n('Done');
  const region = ph.region;
  return {
    [h.record]: {
      Type: 'Task',
      Resource: PUT_ITEM_TASK,
      Parameters: {
        TableName: p.tableName,
        Item: {
          [DEPLOYMENT_TABLE_KEYS.partitionKey]: { S: p.modelId },
          [DEPLOYMENT_TABLE_KEYS.sortKey]: {
            'S.$': `States.Format('{}#{}${ph.prefix === '' ? '' : DR_RECORD_SUFFIX}', $$.Execution.StartTime, $$.Execution.Name)`,
          },
          outcome: str(`${result}.outcome`),
          requestedPackageArn: str('$.request.packageArn'),
          servingPackageArn: str(`${result}.servingPackageArn`),
          previousPackageArn: str(`${result}.previousPackageArn`),
          endpointName: { S: ph.endpointName },
          region: { S: region },
          endpointConfigName: str(`${result}.endpointConfigName`),
          alarms: str(`${result}.alarms`),
          failureReason: str(`${result}.failureReason`),
          trigger: str('$.request.trigger'),
          execution: str('$$.Execution.Id'),
        },
      },
      ResultPath: null,
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 2 }],
      Next: n(DEPLOYMENT_STATES.emit),
    },
    [n(DEPLOYMENT_STATES.emit)]: {
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
              endpointName: ph.endpointName,
              region,
              'requestedPackageArn.$': '$.request.packageArn',
              'trigger.$': '$.request.trigger',
              'outcome.$': `${result}.outcome`,
              'servingPackageArn.$': `${result}.servingPackageArn`,
              'previousPackageArn.$': `${result}.previousPackageArn`,
              'alarms.$': `${result}.alarms`,
              'failureReason.$': `${result}.failureReason`,
              'execution.$': '$$.Execution.Id',
            },
          },
        ],
      },
      ResultPath: null,
      // The record is written: a lost event does not undo the roll-out.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: `${result}EventError`, Next: done }],
      Next: done,
    },
    [done]: {
      Type: 'Choice',
      Choices: [
        { Variable: `${result}.outcome`, StringEquals: 'serving', Next: ph.next ?? 'Serving' },
        { Variable: `${result}.outcome`, StringEquals: 'rolled-back', Next: n('RolledBackCause') },
        { Variable: `${result}.outcome`, StringEquals: 'refused', Next: n('RefusedCause') },
      ],
      Default: n('FailedCause'),
    },
    ...failing('RolledBack', 'rolled back on the alarms {}; {} still serves', ['alarms', 'servingPackageArn']),
    ...failing('Refused', '{}', ['failureReason']),
    ...failing('Failed', '{} (serving: {})', ['failureReason', 'servingPackageArn']),
  };

  /**
   * A roll-out that did not end serving the version fails the execution, so the deploy job and `npm run
   * rollback` fail with it. The cause is composed first: CausePath takes a path (the local interpreter
   * reads no intrinsic there).
   */
  function failing(what: 'RolledBack' | 'Refused' | 'Failed', format: string, fields: string[]): Record<string, State> {
    const args = fields.map((f) => `${result}.${f}`).join(', ');
    return {
      [n(`${what}Cause`)]: {
        Type: 'Pass',
        Parameters: { 'text.$': `States.Format('${h.inRegion}${format}${h.also}', ${args}${h.alsoArg})` },
        ResultPath: `${result}Cause`,
        Next: n(`Deployment${what}`),
      },
      [n(`Deployment${what}`)]: { Type: 'Fail', Error: h.failed(what), CausePath: `${result}Cause.text` },
    };
  }
}

/** The DR phase's records sort after the primary's of the same execution: `<start>#<name>#dr`. */
export const DR_RECORD_SUFFIX = '#dr';

export function deploymentWorkflowDefinition(p: DeploymentWorkflowProps): StateMachineDefinition {
  const s = DEPLOYMENT_STATES;
  const dr = p.disasterRecovery;
  const primaryRegion = p.packageArnPrefix.split(':')[3];
  const drEntry = `${DR_PHASE}${s.describeBefore}`;
  const primary: Phase = {
    prefix: '',
    region: primaryRegion,
    endpointName: p.endpointName,
    namePrefix: p.namePrefix,
    executionRoleArn: p.executionRoleArn,
    containerEnvironment: p.containerEnvironment,
    networkIsolation: p.networkIsolation,
    variant: p.variant,
    ...(p.kmsKeyArn !== undefined ? { kmsKeyArn: p.kmsKeyArn } : {}),
    deploymentConfig: p.deploymentConfig,
    ...(dr ? { next: drEntry } : {}),
  };
  const throttled = [THROTTLED];
  const record = s.record;
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
      '$.result',
      record,
    ),
    [s.describePackage]: {
      Type: 'Task',
      Retry: throttled,
      Resource: SDK('sagemaker', 'describeModelPackage'),
      Parameters: { 'ModelPackageName.$': '$.request.packageArn' },
      ResultSelector: { 'status.$': '$.ModelApprovalStatus', 'version.$': '$.ModelPackageVersion' },
      ResultPath: '$.package',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NoSuchPackage' }],
      Next: 'IsApproved',
    },
    NoSuchPackage: outcome(
      'refused',
      { serving: '', previous: '', config: '', alarms: '[]', reason: '$.error.Cause' },
      '$.result',
      record,
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
      '$.result',
      record,
    ),
    ...phaseStates(primary, p),
    ...(dr
      ? phaseStates(
          {
            prefix: DR_PHASE,
            region: dr.region,
            endpointName: dr.endpointName,
            namePrefix: dr.namePrefix,
            executionRoleArn: dr.executionRoleArn,
            containerEnvironment: p.containerEnvironment,
            networkIsolation: dr.networkIsolation,
            variant: dr.variant,
            ...(dr.kmsKeyArn !== undefined ? { kmsKeyArn: dr.kmsKeyArn } : {}),
            deploymentConfig: dr.deploymentConfig,
            functionArn: dr.functionArn,
            next: 'WithDisasterRecovery',
          },
          p,
        )
      : {}),
    ...(dr
      ? {
          // The execution's output: the primary's outcome, with the DR endpoint's beside it.
          WithDisasterRecovery: {
            Type: 'Pass',
            InputPath: '$.drResult',
            ResultPath: '$.result.disasterRecovery',
            Next: 'Serving',
          },
        }
      : {}),
    Serving: { Type: 'Succeed', OutputPath: '$.result' },
  };
  return {
    Comment: `fm-platform ${p.environment}: deploy a model package version of ${p.modelId} to ${p.endpointName}${dr ? ` and its DR endpoint ${dr.endpointName} in ${dr.region}` : ''}, blue/green with alarm rollback`,
    QueryLanguage: 'JSONPath',
    StartAt: 'Request',
    TimeoutSeconds: deploymentTimeoutSeconds(p.deploymentConfig, dr?.deploymentConfig),
    States: states,
  };
}
