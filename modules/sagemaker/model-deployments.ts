import { Construct } from 'constructs';
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { SfnStateMachine } from '@cdktf/provider-aws/lib/sfn-state-machine';
import { AssetType, TerraformAsset } from 'cdktf';
import { DR_DEPLOY_CONFIG_ENV, type DrDeployConfig } from '../../contracts/dr-deployment';
import { DEPLOYMENT_TABLE_KEYS } from '../../contracts/model-deployment';
import { RolePolicy, serviceTrust, type PolicyStatement } from '../iam/role-policy';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logs/retention';
import { validateProps } from '../validation';
import { readPrefixStatements, s3Location } from './model-endpoint';
import { MODEL_DEPLOYMENTS_RULES } from './validate';

/** One model's deployment pipeline: its workflow and exactly what it may touch. */
export interface ModelPipeline {
  readonly modelId: string;
  /** The state machine's name (`fm-<env>-deploy-<model>`). */
  readonly stateMachineName: string;
  /**
   * The Amazon States Language definition (workflows/deployment-workflow.ts) as JSON, given the
   * deployments table's ARN (unknown until apply, which also keeps the provider's plan-time
   * ValidateStateMachineDefinition call, an AWS API call, out of the offline plan).
   */
  readonly definitionJson: (tableArn: string) => string;
  readonly endpointName: string;
  readonly endpointArn: string;
  /** The models and configurations the workflow creates start with this (`<prefix>-v<version>-…`). */
  readonly resourceNamePrefix: string;
  /** The Model Registry group whose versions it may deploy. */
  readonly packageGroupName: string;
  /** The endpoint's execution role: the one role the workflow may pass, to SageMaker only. */
  readonly executionRoleArn: string;
  readonly alarmNames: readonly string[];
  /** The volume key a configuration names, where the instance type allows one. @default - none */
  readonly volumeKmsKeyArn?: string;
  /** Start the workflow on every approval in the group (an environment following "latest-approved"). */
  readonly followsApprovals: boolean;
  /** The model's DR endpoint, which the workflow's DR phase moves through the DR function. @default - none */
  readonly disasterRecovery?: PipelineDisasterRecovery;
}

/** A DR endpoint as its pipeline reaches it: what its DR function may touch, all in the DR Region. */
export interface PipelineDisasterRecovery {
  readonly region: string;
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly resourceNamePrefix: string;
  readonly executionRoleArn: string;
  readonly alarmNames: readonly string[];
  readonly volumeKmsKeyArn?: string;
  /** The function's name (`fm-<env>-deploy-<model>-dr`), in the primary Region, and its role's. */
  readonly functionName: string;
  readonly roleName: string;
  /** Its configuration: the DR Region, the versions it may copy, the weights and their replicas. */
  readonly config: DrDeployConfig;
}

export interface ModelDeploymentsProps {
  /** Prefix of every name (`fm-<env>`). */
  readonly namePrefix: string;
  readonly account: string;
  readonly region: string;
  /** The deployments table's physical name (the definitions name it: contracts/model-deployment.ts). */
  readonly tableName: string;
  readonly pipelines: readonly ModelPipeline[];
  /** Encrypts the table and the log group (the environment key). */
  readonly kmsKeyArn: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default - no actions */
  readonly alarmActions?: readonly string[];
  /** The DR function's package (functions/dr-deploy), where some pipeline has a DR endpoint. */
  readonly drFunctionPackage?: { readonly path: string; readonly sha256: string };
}

/** The optional props' defaults. */
const DEFAULTS = { logRetentionDays: DEFAULT_LOG_RETENTION_DAYS } as const;

// Step Functions' log delivery and X-Ray's APIs have no resource-level permissions: AWS documents `*`.
// https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html#cloudwatch-iam-policy
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
const TRACING: PolicyStatement = {
  sid: 'Tracing',
  actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
  resources: ['*'],
};

/**
 * The model deployment pipelines of one environment (workflows/deployment-workflow.ts): the deployments
 * table every pipeline records its outcomes in, one encrypted log group, and per registry-driven model a
 * Standard state machine with its least-privilege role, an alarm on failed executions, and, where the
 * environment follows the registry's approvals, an EventBridge rule that starts it on
 * `SageMaker Model Package State Change` with status Approved in the model's group
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html#eventbridge-model-package).
 *
 * Standard, not Express: a blue/green roll-out bakes for up to hours, past Express's five minutes, and
 * each execution's history is the audit trail of a production change.
 */
export class ModelDeployments extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  readonly logGroupName: string;
  /** State machine ARN per model id: `npm run promote` and `npm run rollback` start these. */
  readonly stateMachineArns: Record<string, string> = {};
  readonly roles: Record<string, IamRole> = {};
  readonly rules: Record<string, CloudwatchEventRule> = {};
  /** The DR functions' roles by model id. */
  readonly drFunctionRoles: Record<string, IamRole> = {};
  /** The DR functions' log groups, encrypted with the environment key. */
  readonly drLogGroupNames: string[] = [];

  constructor(scope: Construct, id: string, props: ModelDeploymentsProps) {
    super(scope, id);
    validateProps(this, 'ModelDeployments', props, MODEL_DEPLOYMENTS_RULES);
    const { account } = props;
    // Every attempt is kept: it is the history a rollback reads, so no TTL, and point-in-time recovery.
    const table = new DynamodbTable(this, 'Table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: DEPLOYMENT_TABLE_KEYS.partitionKey,
      rangeKey: DEPLOYMENT_TABLE_KEYS.sortKey,
      attribute: [
        { name: DEPLOYMENT_TABLE_KEYS.partitionKey, type: 'S' },
        { name: DEPLOYMENT_TABLE_KEYS.sortKey, type: 'S' },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
    });
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.logGroupName = `/aws/vendedlogs/states/${props.namePrefix}-deployments`;
    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: this.logGroupName,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const source = [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: [account] }];

    for (const p of props.pipelines) {
      const role = new IamRole(this, `Role-${p.modelId}`, {
        name: `${p.stateMachineName}-role`.slice(0, 64),
        assumeRolePolicy: serviceTrust(this, `Trust-${p.modelId}`, 'states.amazonaws.com', source).json,
      });
      this.roles[p.modelId] = role;
      const drFunctionArn = p.disasterRecovery ? this.drFunction(p, p.disasterRecovery, props) : undefined;
      const policy = new RolePolicy(this, `Policy-${p.modelId}`, {
        role,
        policyName: 'deploy-model',
        statements: [
          ...pipelineStatements(p, props, table.arn),
          ...(drFunctionArn
            ? [{ sid: 'DisasterRecoveryCalls', actions: ['lambda:InvokeFunction'], resources: [drFunctionArn] }]
            : []),
          LOG_DELIVERY,
          TRACING,
        ],
      });
      const machine = new SfnStateMachine(this, `StateMachine-${p.modelId}`, {
        name: p.stateMachineName,
        type: 'STANDARD',
        roleArn: role.arn,
        definition: p.definitionJson(table.arn),
        // Execution data holds ARNs, names and SageMaker's reasons: no prompt text passes through this workflow.
        loggingConfiguration: { logDestination: `${logGroup.arn}:*`, includeExecutionData: true, level: 'ALL' },
        tracingConfiguration: { enabled: true },
        dependsOn: [policy.resource],
      });
      this.stateMachineArns[p.modelId] = machine.arn;
      new CloudwatchMetricAlarm(this, `Failed-${p.modelId}`, {
        alarmName: `${p.stateMachineName}-executions-failed`,
        alarmDescription: `${p.modelId}: a deployment did not end serving its version (rolled back, failed or refused)`,
        namespace: 'AWS/States',
        metricName: 'ExecutionsFailed',
        dimensions: { StateMachineArn: machine.arn },
        statistic: 'Sum',
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
        ...(props.alarmActions ? { alarmActions: [...props.alarmActions] } : {}),
      });
      if (p.followsApprovals) this.approvalRule(p, machine.arn, source);
    }
  }

  /**
   * The function the DR phase's calls go through (contracts/dr-deployment.ts): Node.js 22, its own
   * encrypted log group, and a role that may do in the DR Region exactly what the pipeline does in the
   * primary one, for the DR endpoint only, plus reading the version (DescribeModelPackage, primary
   * Region) and the replication status of its weights. Returns its ARN.
   */
  private drFunction(p: ModelPipeline, dr: PipelineDisasterRecovery, props: ModelDeploymentsProps): string {
    const pkg = props.drFunctionPackage;
    if (pkg === undefined) throw new Error(`internal error: ${p.modelId} has a DR endpoint but no DR function package`);
    const id = `Dr-${p.modelId}`;
    const logGroup = new CloudwatchLogGroup(this, `${id}-LogGroup`, {
      name: `/aws/lambda/${dr.functionName}`,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    this.drLogGroupNames.push(`/aws/lambda/${dr.functionName}`);
    const role = new IamRole(this, `${id}-Role`, {
      name: dr.roleName,
      assumeRolePolicy: serviceTrust(this, `${id}-Trust`, 'lambda.amazonaws.com').json,
    });
    const policy = new RolePolicy(this, `${id}-Policy`, {
      role,
      policyName: 'deploy-dr-endpoint',
      statements: [
        {
          sid: 'OwnLogGroup',
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: [`${logGroup.arn}:*`],
        },
        {
          sid: 'ReadVersions',
          actions: ['sagemaker:DescribeModelPackage'],
          resources: [`${dr.config.packageArnPrefix}*`],
        },
        ...rolloutStatements({ ...dr, account: props.account }),
        ...replicationStatements(dr.config),
        {
          // Its configuration is encrypted with the environment key.
          sid: 'DecryptEnvironment',
          actions: ['kms:Decrypt'],
          resources: [props.kmsKeyArn],
          conditions: [
            { test: 'StringEquals', variable: 'kms:ViaService', values: [`lambda.${props.region}.amazonaws.com`] },
          ],
        },
      ],
    });
    const asset = new TerraformAsset(this, `${id}-Code`, { path: pkg.path, type: AssetType.FILE });
    const fn = new LambdaFunction(this, `${id}-Function`, {
      functionName: dr.functionName,
      description: `fm-platform: ${p.stateMachineName}'s calls in ${dr.region}, for ${dr.endpointName}`,
      role: role.arn,
      runtime: 'nodejs22.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: pkg.sha256,
      memorySize: 256,
      // A version's weights are tens of objects, each one HEAD in each Region, eight at once.
      timeout: 60,
      kmsKeyArn: props.kmsKeyArn,
      environment: {
        variables: { [DR_DEPLOY_CONFIG_ENV]: JSON.stringify(dr.config), NODE_OPTIONS: '--enable-source-maps' },
      },
      loggingConfig: { logFormat: 'JSON', logGroup: logGroup.name },
      dependsOn: [logGroup, policy.resource],
    });
    this.drFunctionRoles[p.modelId] = role;
    return fn.arn;
  }

  /** Starts the pipeline on each approval of a version in the model's group. */
  private approvalRule(p: ModelPipeline, stateMachineArn: string, source: PolicyStatement['conditions']): void {
    const rule = new CloudwatchEventRule(this, `Approved-${p.modelId}`, {
      name: `${p.stateMachineName}-approved`.slice(0, 64),
      description: `starts ${p.stateMachineName} when a version of ${p.packageGroupName} is approved`,
      eventPattern: JSON.stringify(approvalEventPattern(p.packageGroupName)),
    });
    this.rules[p.modelId] = rule;
    const role = new IamRole(this, `RuleRole-${p.modelId}`, {
      name: `${p.stateMachineName}-events`.slice(0, 64),
      assumeRolePolicy: serviceTrust(this, `RuleTrust-${p.modelId}`, 'events.amazonaws.com', source).json,
    });
    new RolePolicy(this, `RulePolicy-${p.modelId}`, {
      role,
      policyName: 'start-deployment',
      statements: [{ sid: 'StartDeployment', actions: ['states:StartExecution'], resources: [stateMachineArn] }],
    });
    // The workflow's input, from the event: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
    new CloudwatchEventTarget(this, `ApprovedTarget-${p.modelId}`, {
      rule: rule.name,
      arn: stateMachineArn,
      roleArn: role.arn,
      inputTransformer: {
        inputPaths: { packageArn: '$.detail.ModelPackageArn' },
        inputTemplate: '{"modelPackageArn": <packageArn>, "trigger": "approval"}',
      },
    });
  }
}

/** The registry's approval events of one group (the event's `detail` carries the group, status and package ARN). */
export function approvalEventPattern(packageGroupName: string) {
  return {
    source: ['aws.sagemaker'],
    'detail-type': ['SageMaker Model Package State Change'],
    detail: { ModelPackageGroupName: [packageGroupName], ModelApprovalStatus: ['Approved'] },
  };
}

/**
 * What one pipeline may do, on its own model's resources only (SageMaker resource ARNs carry names in
 * lower case, as the platform's names already are):
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
 */
function pipelineStatements(p: ModelPipeline, props: ModelDeploymentsProps, tableArn: string): PolicyStatement[] {
  return [
    {
      sid: 'ReadVersions',
      actions: ['sagemaker:DescribeModelPackage'],
      resources: [`arn:aws:sagemaker:${props.region}:${props.account}:model-package/${p.packageGroupName}/*`],
    },
    ...rolloutStatements({ ...p, region: props.region, account: props.account }),
    {
      // Its own model's items only.
      sid: 'RecordOutcome',
      actions: ['dynamodb:PutItem'],
      resources: [tableArn],
      conditions: [{ test: 'ForAllValues:StringEquals', variable: 'dynamodb:LeadingKeys', values: [p.modelId] }],
    },
    {
      sid: 'TableKey',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
      resources: [props.kmsKeyArn],
      conditions: [
        { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${props.region}.amazonaws.com`] },
      ],
    },
    {
      sid: 'EmitOutcome',
      actions: ['events:PutEvents'],
      resources: [`arn:aws:events:${props.region}:${props.account}:event-bus/default`],
    },
  ];
}

/**
 * What a roll-out of one endpoint calls, on that endpoint's resources in its Region only: the primary's
 * pipeline role in the primary Region, the DR function's role in the DR Region.
 */
function rolloutStatements(
  e: Omit<PipelineDisasterRecovery, 'functionName' | 'roleName' | 'config'> & { readonly account: string },
): PolicyStatement[] {
  const arn = (type: string, name: string) => `arn:aws:sagemaker:${e.region}:${e.account}:${type}/${name}`;
  // Terraform's first model and configuration are `<endpoint>-<hash>`, the pipeline's `<prefix>-v<version>-<hex>`.
  const ownModels = arn('model', `${e.endpointName}-*`);
  const ownConfigs = arn('endpoint-config', `${e.endpointName}-*`);
  const newModels = arn('model', `${e.resourceNamePrefix}-v*`);
  const newConfigs = arn('endpoint-config', `${e.resourceNamePrefix}-v*`);
  const statements: PolicyStatement[] = [
    { sid: 'CreateVersionModel', actions: ['sagemaker:CreateModel'], resources: [newModels] },
    { sid: 'ReadModels', actions: ['sagemaker:DescribeModel'], resources: [ownModels] },
    { sid: 'CreateVersionConfig', actions: ['sagemaker:CreateEndpointConfig'], resources: [newConfigs] },
    { sid: 'ReadConfigs', actions: ['sagemaker:DescribeEndpointConfig'], resources: [ownConfigs] },
    {
      // UpdateEndpoint authorizes the endpoint and the configuration it moves to.
      sid: 'UpdateEndpoint',
      actions: ['sagemaker:UpdateEndpoint'],
      resources: [e.endpointArn, newConfigs],
    },
    { sid: 'ReadEndpoint', actions: ['sagemaker:DescribeEndpoint'], resources: [e.endpointArn] },
    {
      sid: 'PassExecutionRole',
      actions: ['iam:PassRole'],
      resources: [e.executionRoleArn],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['sagemaker.amazonaws.com'] }],
    },
    {
      sid: 'ReadRollbackAlarms',
      actions: ['cloudwatch:DescribeAlarms'],
      resources: e.alarmNames.map((n) => `arn:aws:cloudwatch:${e.region}:${e.account}:alarm:${n}`),
    },
  ];
  if (e.volumeKmsKeyArn !== undefined)
    statements.push({
      // A configuration naming a volume key: SageMaker makes a grant on it for the endpoint's instances.
      sid: 'VolumeKey',
      actions: ['kms:CreateGrant', 'kms:DescribeKey'],
      resources: [e.volumeKmsKeyArn],
      conditions: [
        { test: 'StringEquals', variable: 'kms:ViaService', values: [`sagemaker.${e.region}.amazonaws.com`] },
      ],
    });
  return statements;
}

/**
 * Reading whether a version's weights reached the DR Region: listing and HEAD (which s3:GetObject
 * authorizes, https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html) under the replicated
 * prefixes, in the primary bucket and in its replica.
 */
function replicationStatements(config: DrDeployConfig): PolicyStatement[] {
  const locations = config.artifacts.flatMap((a) => [s3Location(a.source), s3Location(a.replica)]);
  return readPrefixStatements(locations, 'ReadWeightsStatus', (i) => `ListWeights${i}`);
}
