import type { TerraformResourceLifecycle } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { SagemakerEndpoint } from '@cdktf/provider-aws/lib/sagemaker-endpoint';
import { SagemakerEndpointConfiguration } from '@cdktf/provider-aws/lib/sagemaker-endpoint-configuration';
import { SagemakerModel } from '@cdktf/provider-aws/lib/sagemaker-model';
import { physicalName } from '../../catalog/names';
import { ENDPOINT_ROLLOUT_DEFAULTS } from '../../hosting/sagemaker/rollout';
import type { DeploymentVariant } from '../../workflows/deployment-workflow';
import { DEFAULT_LOG_RETENTION_DAYS } from '../logs/retention';
import { grantId, RolePolicy, serviceTrust, type GrantableRole, type PolicyStatement } from '../iam/role-policy';
import { validateProps } from '../validation';
import { supportsVolumeKmsKey } from './instance-storage';
import { MODEL_ENDPOINT_RULES } from './validate';

export type EndpointCapacity =
  | { readonly mode: 'instances'; readonly instanceType: string; readonly instanceCount: number }
  | { readonly mode: 'serverless'; readonly memorySizeMb: number; readonly maxConcurrency: number };

export interface EndpointRolloutSettings {
  readonly type: 'all-at-once' | 'canary' | 'linear';
  /** Canary size or linear step, percent of capacity. @default 10 */
  readonly stepPercent?: number;
  /** @default 300 */
  readonly waitIntervalSeconds?: number;
  /** @default 3600 */
  readonly maximumExecutionTimeoutSeconds?: number;
  /** @default 300 */
  readonly terminationWaitSeconds?: number;
}

export interface ModelEndpointProps {
  readonly endpointName: string;
  /** The serving container image (ECR). */
  readonly image: string;
  /** S3 artifacts: a prefix (ending `/`, loaded uncompressed) or a `model.tar.gz`. @default - the image carries the model */
  readonly modelDataUrl?: string;
  /**
   * A registered model package version to create the model from (`ModelPackageName`): what runs is exactly
   * that approved version.
   * @default - the model is built from image and modelDataUrl
   */
  readonly modelPackageArn?: string;
  /**
   * The endpoint's configuration belongs to the deployment pipeline (workflows/deployment-workflow.ts):
   * Terraform creates the model, configuration and endpoint once and never updates or replaces them.
   * @default false
   */
  readonly pipelineManaged?: boolean;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** LoRA adapters under the model artifacts' adapters/ folder, served by the container itself (none: the base model alone). */
  readonly adapters: readonly { readonly name: string; readonly artifactUrl: string }[];
  readonly capacity: EndpointCapacity;
  readonly rollout: EndpointRolloutSettings;
  /** Encrypts the storage volume where the instance type allows it, and the endpoint's log group. */
  readonly kmsKeyArn: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  readonly account: string;
  readonly region: string;
  /** p99 model latency above which a roll-out rolls back, in microseconds (SageMaker's unit). @default 20000000 */
  readonly latencyAlarmMicroseconds?: number;
}

/** The optional props' defaults. */
const DEFAULTS = {
  environment: {},
  /** Shared with the validator's roll-out rule, which judges the same figures. */
  rollout: ENDPOINT_ROLLOUT_DEFAULTS,
  latencyAlarmMicroseconds: 20_000_000,
  logRetentionDays: DEFAULT_LOG_RETENTION_DAYS,
} as const;

/**
 * The log group SageMaker writes an endpoint's container logs to
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html).
 */
export function endpointLogGroupName(endpointName: string): string {
  return `/aws/sagemaker/Endpoints/${endpointName}`;
}

/** The execution role of an endpoint: the one principal that reads its weights (the artifacts bucket's policy names it). */
export function executionRoleName(endpointName: string): string {
  return physicalName([endpointName, 'exec'], 64);
}

/** Blue/green needs the same variant name in the old and the new endpoint configuration. */
export const VARIANT_NAME = 'AllTraffic';

/**
 * Reading objects under S3 prefixes and nothing else: GetObject on each prefix, ListBucket on each bucket
 * only for its prefixes. None for no prefix.
 */
export function readPrefixStatements(
  locations: readonly { bucket: string; prefix: string }[],
  readSid: string,
  listSid: (i: number) => string,
): PolicyStatement[] {
  if (locations.length === 0) return [];
  return [
    {
      sid: readSid,
      actions: ['s3:GetObject'],
      resources: locations.map((a) => `arn:aws:s3:::${a.bucket}/${a.prefix}*`),
    },
    ...[...new Set(locations.map((a) => a.bucket))].map((bucket, i) => ({
      sid: listSid(i),
      actions: ['s3:ListBucket'],
      resources: [`arn:aws:s3:::${bucket}`],
      conditions: [
        {
          test: 'StringLike',
          variable: 's3:prefix',
          values: locations.filter((a) => a.bucket === bucket).map((a) => `${a.prefix}*`),
        },
      ],
    })),
  ];
}

export function s3Location(url: string): { bucket: string; prefix: string } {
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  return slash < 0 ? { bucket: rest, prefix: '' } : { bucket: rest.slice(0, slash), prefix: rest.slice(slash + 1) };
}

function ecrRepositoryArn(image: string): string {
  const [host, path] = [image.slice(0, image.indexOf('/')), image.slice(image.indexOf('/') + 1)];
  const [account, , , region] = host.split('.');
  const repository = path.split(/[:@]/)[0];
  return `arn:aws:ecr:${region}:${account}:repository/${repository}`;
}

const contentHash = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 10);

/**
 * A SageMaker real-time (or serverless) endpoint for one custom model: an execution role that reads
 * only its own artifacts, the model (network isolated), a content-named endpoint configuration (a
 * change makes a new one, created before the old is destroyed), and the endpoint rolled out
 * blue/green with automatic rollback on its 5xx and latency alarms.
 *
 * LoRA adapters are served by the LMI container itself (multi-adapter serving): they live under the
 * model artifacts at adapters/<name>/, load with the base model, and a request names one in its
 * payload. Adapter inference components would need `aws_sagemaker_inference_component`, which the
 * AWS provider 5.100.0 (pinned by @cdktf/provider-aws 20.1.0) does not have.
 */
export class ModelEndpoint extends Construct {
  readonly endpointName: string;
  readonly endpointArn: string;
  readonly endpointConfigName: string;
  readonly modelName: string;
  readonly role: IamRole;
  readonly alarmNames: readonly string[];
  /** `/aws/sagemaker/Endpoints/<name>`, declared by this construct. */
  readonly logGroupName: string;
  /** What the deployment pipeline's configurations copy, in SageMaker's API shape (CreateModel, CreateEndpointConfig). */
  readonly deployment: {
    readonly executionRoleArn: string;
    readonly alarmNames: readonly string[];
    readonly variant: DeploymentVariant;
    readonly networkIsolation: boolean;
    readonly kmsKeyArn?: string;
  };

  constructor(scope: Construct, id: string, props: ModelEndpointProps) {
    super(scope, id);
    validateProps(this, 'ModelEndpoint', props, MODEL_ENDPOINT_RULES);
    const { endpointName, capacity, rollout, region, account } = props;

    this.role = new IamRole(this, 'ExecutionRole', {
      name: executionRoleName(endpointName),
      assumeRolePolicy: serviceTrust(this, 'Trust', 'sagemaker.amazonaws.com').json,
    });
    const artifacts = [props.modelDataUrl, ...props.adapters.map((a) => a.artifactUrl)]
      .filter((u): u is string => u !== undefined)
      .map(s3Location);
    // Declared here with the key and the retention: SageMaker would otherwise create it with neither.
    this.logGroupName = endpointLogGroupName(endpointName);
    const logGroup = new CloudwatchLogGroup(this, 'LogGroup', {
      name: this.logGroupName,
      retentionInDays: props.logRetentionDays ?? DEFAULTS.logRetentionDays,
      kmsKeyId: props.kmsKeyArn,
    });
    const statements: PolicyStatement[] = readPrefixStatements(
      artifacts,
      'ReadOwnArtifacts',
      (i) => `ListOwnArtifacts${i + 1}`,
    );
    statements.push(
      {
        sid: 'PullImage',
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
        resources: [ecrRepositoryArn(props.image)],
      },
      // GetAuthorizationToken has no resource-level permissions.
      { sid: 'EcrToken', actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      {
        // The group exists (declared above): streams and events only, no logs:CreateLogGroup.
        sid: 'EndpointLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
        resources: [
          `arn:aws:logs:${region}:${account}:log-group:${this.logGroupName}`,
          `arn:aws:logs:${region}:${account}:log-group:${this.logGroupName}:*`,
        ],
      },
      {
        sid: 'EndpointMetrics',
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: [{ test: 'StringLike', variable: 'cloudwatch:namespace', values: ['/aws/sagemaker/*'] }],
      },
    );
    const rolePolicy = new RolePolicy(this, 'ExecutionPolicy', {
      role: this.role,
      policyName: 'own-artifacts',
      statements,
    });

    const dataSource = props.modelDataUrl?.endsWith('/');
    const registry = props.modelPackageArn !== undefined;
    // A model package carries its image and artifacts: the container names the package and nothing else
    // (https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/sagemaker_model#model_package_name).
    const container = registry
      ? { modelPackageName: props.modelPackageArn, environment: { ...(props.environment ?? DEFAULTS.environment) } }
      : {
          image: props.image,
          environment: { ...(props.environment ?? DEFAULTS.environment) },
          modelDataUrl: props.modelDataUrl && !dataSource ? props.modelDataUrl : undefined,
          modelDataSource: dataSource
            ? {
                s3DataSource: [
                  { s3Uri: props.modelDataUrl as string, s3DataType: 'S3Prefix', compressionType: 'None' },
                ],
              }
            : undefined,
        };
    // Without a pipeline, Terraform rolls each change out: a new model and configuration (content-named,
    // created before the old is destroyed) and the endpoint updated, through provider 5.100.0's update path
    // and its bugs (https://github.com/hashicorp/terraform-provider-aws/issues/40048, fixed only in 6.21.0 by
    // https://github.com/hashicorp/terraform-provider-aws/issues/42843; the waiter lacks RollingBack,
    // https://github.com/hashicorp/terraform-provider-aws/pull/49020; a SageMaker rollback recorded as success,
    // then the in-use configuration deleted by create_before_destroy,
    // https://github.com/hashicorp/terraform-provider-aws/issues/48997 and
    // https://github.com/hashicorp/terraform-provider-aws/issues/46663), guarded by the rollback alarms.
    // With a pipeline, Terraform creates the first version once and ignores every later difference in the
    // model and configuration (`all`: no update, no replacement, so nothing is ever deleted under the
    // endpoint), and the endpoint's configuration name and deployment policy, which the pipeline sets on each
    // UpdateEndpoint: no Terraform apply ever calls UpdateEndpoint, so none of those bugs is on its path.
    // https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#ignore_changes
    const managed = props.pipelineManaged ?? false;
    const createOnce: TerraformResourceLifecycle = managed
      ? { createBeforeDestroy: true, ignoreChanges: 'all' }
      : { createBeforeDestroy: true };
    // Serverless endpoints do not support network isolation; instance endpoints always run isolated.
    const networkIsolation = capacity.mode === 'instances';
    const modelName = physicalName([endpointName, contentHash({ container, networkIsolation })], 63);
    const model = new SagemakerModel(this, 'Model', {
      name: modelName,
      executionRoleArn: this.role.arn,
      enableNetworkIsolation: networkIsolation,
      primaryContainer: container,
      lifecycle: createOnce,
      dependsOn: [rolePolicy.resource],
    });

    // Local NVMe instance storage is hardware encrypted and refuses a KMS key; serverless has no volume.
    const kmsKeyArn =
      capacity.mode === 'instances' && supportsVolumeKmsKey(capacity.instanceType) ? props.kmsKeyArn : undefined;
    const variant =
      capacity.mode === 'instances'
        ? {
            variantName: VARIANT_NAME,
            modelName,
            instanceType: capacity.instanceType,
            initialInstanceCount: capacity.instanceCount,
            initialVariantWeight: 1,
          }
        : {
            variantName: VARIANT_NAME,
            modelName,
            serverlessConfig: { memorySizeInMb: capacity.memorySizeMb, maxConcurrency: capacity.maxConcurrency },
          };
    const configName = physicalName([endpointName, contentHash({ variant, kms: kmsKeyArn !== undefined })], 63);
    const config = new SagemakerEndpointConfiguration(this, 'Config', {
      name: configName,
      kmsKeyArn,
      productionVariants: [variant],
      lifecycle: createOnce,
      dependsOn: [model],
    });

    const dimensions = { EndpointName: endpointName, VariantName: VARIANT_NAME };
    const errors = new CloudwatchMetricAlarm(this, 'Errors5xx', {
      alarmName: `${endpointName}-5xx`,
      alarmDescription: `${endpointName}: model 5xx errors (rolls a deployment back)`,
      namespace: 'AWS/SageMaker',
      metricName: 'Invocation5XXErrors',
      dimensions,
      statistic: 'Sum',
      period: 60,
      evaluationPeriods: 2,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      treatMissingData: 'notBreaching',
    });
    const latency = new CloudwatchMetricAlarm(this, 'Latency', {
      alarmName: `${endpointName}-model-latency-p99`,
      alarmDescription: `${endpointName}: p99 model latency (rolls a deployment back)`,
      namespace: 'AWS/SageMaker',
      metricName: 'ModelLatency',
      dimensions,
      extendedStatistic: 'p99',
      period: 60,
      evaluationPeriods: 3,
      threshold: props.latencyAlarmMicroseconds ?? DEFAULTS.latencyAlarmMicroseconds,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
    });
    this.alarmNames = [`${endpointName}-5xx`, `${endpointName}-model-latency-p99`];

    const step = { type: 'CAPACITY_PERCENT', value: rollout.stepPercent ?? DEFAULTS.rollout.stepPercent };
    const traffic =
      rollout.type === 'canary'
        ? { type: 'CANARY', canarySize: step }
        : rollout.type === 'linear'
          ? { type: 'LINEAR', linearStepSize: step }
          : { type: 'ALL_AT_ONCE' };
    const endpoint = new SagemakerEndpoint(this, 'Resource', {
      name: endpointName,
      dependsOn: [logGroup],
      ...(managed ? { lifecycle: { ignoreChanges: ['endpoint_config_name', 'deployment_config'] } } : {}),
      endpointConfigName: config.name,
      deploymentConfig: {
        blueGreenUpdatePolicy: {
          trafficRoutingConfiguration: {
            ...traffic,
            waitIntervalInSeconds: rollout.waitIntervalSeconds ?? DEFAULTS.rollout.waitIntervalSeconds,
          },
          maximumExecutionTimeoutInSeconds:
            rollout.maximumExecutionTimeoutSeconds ?? DEFAULTS.rollout.maximumExecutionTimeoutSeconds,
          terminationWaitInSeconds: rollout.terminationWaitSeconds ?? DEFAULTS.rollout.terminationWaitSeconds,
        },
        autoRollbackConfiguration: { alarms: [{ alarmName: errors.alarmName }, { alarmName: latency.alarmName }] },
      },
    });

    this.endpointName = endpoint.name;
    this.endpointArn = endpoint.arn;
    this.endpointConfigName = config.name;
    this.modelName = model.name;
    this.deployment = {
      executionRoleArn: this.role.arn,
      alarmNames: this.alarmNames,
      variant:
        capacity.mode === 'instances'
          ? {
              VariantName: VARIANT_NAME,
              InstanceType: capacity.instanceType,
              InitialInstanceCount: capacity.instanceCount,
              InitialVariantWeight: 1,
            }
          : {
              VariantName: VARIANT_NAME,
              ServerlessConfig: { MemorySizeInMB: capacity.memorySizeMb, MaxConcurrency: capacity.maxConcurrency },
            },
      networkIsolation,
      ...(kmsKeyArn !== undefined ? { kmsKeyArn } : {}),
    };
  }

  /** Lets the role call this endpoint (and, through it, its inference components) and nothing else. */
  grantInvoke(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('Invoke', role), {
      role,
      policyName: `invoke-${this.node.id}`.slice(0, 128),
      statements: [{ sid: 'InvokeEndpoint', actions: ['sagemaker:InvokeEndpoint'], resources: [this.endpointArn] }],
    });
  }
}
