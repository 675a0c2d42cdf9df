import { Testing } from 'cdktf';
import { ModelEndpoint, type ModelEndpointProps } from '../../../modules/sagemaker/model-endpoint';
import { supportsVolumeKmsKey } from '../../../modules/sagemaker/instance-storage';
import { parseSynth, resourcesOf, synthEnvironment } from '../../stacks/synth-environment';

const props: ModelEndpointProps = {
  endpointName: 'fm-test-llama',
  image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124',
  modelDataUrl: 's3://artifacts/llama/',
  adapters: [{ name: 'tone', artifactUrl: 's3://artifacts/llama/adapters/tone/' }],
  capacity: { mode: 'instances', instanceType: 'ml.m5.xlarge', instanceCount: 1 },
  rollout: { type: 'linear', stepPercent: 20, waitIntervalSeconds: 120 },
  kmsKeyArn: 'arn:aws:kms:us-east-1:111111111111:key/abc',
  account: '111111111111',
  region: 'us-east-1',
};
const synth = (p: ModelEndpointProps) =>
  parseSynth(Testing.synthScope((scope) => void new ModelEndpoint(scope, 'Endpoint', p)));
const configOf = (json: { resource: Record<string, Record<string, Record<string, unknown>>> }) =>
  Object.values(json.resource.aws_sagemaker_endpoint_configuration)[0];

describe('ModelEndpoint', () => {
  it.each(['staging', 'prod'])('gives %s a blue/green endpoint that rolls back on its alarms', (env) => {
    const stack = synthEnvironment(env);
    const endpoint = resourcesOf(stack, 'aws_sagemaker_endpoint').find((e) => e.provider === undefined) as {
      name: string;
      deployment_config: {
        blue_green_update_policy: { traffic_routing_configuration: { type: string } };
        auto_rollback_configuration: { alarms: { alarm_name: string }[] };
      };
    };
    expect(endpoint.name).toBe(`fm-${env}-llama-3-8b-support-lora`);
    expect(endpoint.deployment_config.blue_green_update_policy.traffic_routing_configuration.type).toBe(
      env === 'prod' ? 'CANARY' : 'ALL_AT_ONCE',
    );
    expect(endpoint.deployment_config.auto_rollback_configuration.alarms).toHaveLength(2);
    const account = env === 'prod' ? '333333333333' : '222222222222';
    expect(resourcesOf(stack, 'aws_sagemaker_model_package_group')[0]).toMatchObject({
      model_package_group_name: 'fm-llama-3-8b-support-lora',
    });
    const model = resourcesOf(stack, 'aws_sagemaker_model').find((m) => m.provider === undefined) as {
      enable_network_isolation: boolean;
      primary_container: Record<string, unknown>;
      lifecycle: unknown;
    };
    expect(model.enable_network_isolation).toBe(true);
    // What runs is exactly the pinned, registered version: no image or weights of its own.
    expect(model.primary_container.model_package_name).toBe(
      `arn:aws:sagemaker:us-east-1:${account}:model-package/fm-llama-3-8b-support-lora/3`,
    );
    expect(model.primary_container.image).toBeUndefined();
    expect(model.primary_container.model_data_source).toBeUndefined();
    // The deployment pipeline owns roll-outs: Terraform creates the first version once and ignores the rest.
    expect(model.lifecycle).toEqual({ create_before_destroy: true, ignore_changes: 'all' });
    const primary = <T extends Record<string, unknown>>(type: string) =>
      resourcesOf(stack, type).find((r) => r.provider === undefined) as T;
    expect(primary('aws_sagemaker_endpoint_configuration').lifecycle).toEqual({
      create_before_destroy: true,
      ignore_changes: 'all',
    });
    expect(primary('aws_sagemaker_endpoint').lifecycle).toEqual({
      ignore_changes: ['endpoint_config_name', 'deployment_config'],
    });
    // The execution role still reads the environment's copy of the weights the package points at.
    const reads = JSON.stringify(stack.data);
    expect(reads).toContain(`arn:aws:s3:::fm-platform-model-artifacts-${account}/llama-3-1-8b-instruct/*`);
    // ml.g5 has local NVMe storage: SageMaker refuses a KMS key there.
    expect(resourcesOf(stack, 'aws_sagemaker_endpoint_configuration')[0].kms_key_arn).toBeUndefined();
  });

  it('gives dev no SageMaker resources', () => {
    const stack = synthEnvironment('dev');
    expect(Object.keys(stack.resource).filter((t) => t.startsWith('aws_sagemaker'))).toEqual([]);
  });

  it('names the endpoint configuration after its content, so an instance type change makes a new one', () => {
    const a = configOf(synth(props));
    const b = configOf(
      synth({ ...props, capacity: { mode: 'instances', instanceType: 'ml.m5.2xlarge', instanceCount: 1 } }),
    );
    expect(a.name).not.toBe(b.name);
    expect(a.name).toBe(configOf(synth(props)).name);
    expect(a.lifecycle).toEqual({ create_before_destroy: true });
    expect(a.kms_key_arn).toBe(props.kmsKeyArn);
  });

  it('shifts traffic linearly with the planned step', () => {
    const endpoint = Object.values(synth(props).resource.aws_sagemaker_endpoint)[0] as {
      deployment_config: { blue_green_update_policy: { traffic_routing_configuration: unknown } };
    };
    expect(endpoint.deployment_config.blue_green_update_policy.traffic_routing_configuration).toEqual({
      type: 'LINEAR',
      linear_step_size: { type: 'CAPACITY_PERCENT', value: 20 },
      wait_interval_in_seconds: 120,
    });
  });

  it('defaults to a 10 percent step, 300 s waits, a one-hour roll-out limit, a 20 s latency alarm and no container environment', () => {
    const json = synth({ ...props, rollout: { type: 'canary' } });
    const endpoint = Object.values(json.resource.aws_sagemaker_endpoint)[0] as {
      deployment_config: { blue_green_update_policy: unknown };
    };
    expect(endpoint.deployment_config.blue_green_update_policy).toEqual({
      traffic_routing_configuration: {
        type: 'CANARY',
        canary_size: { type: 'CAPACITY_PERCENT', value: 10 },
        wait_interval_in_seconds: 300,
      },
      maximum_execution_timeout_in_seconds: 3600,
      termination_wait_in_seconds: 300,
    });
    const alarms = Object.values(json.resource.aws_cloudwatch_metric_alarm) as {
      metric_name: string;
      threshold: number;
    }[];
    expect(alarms.find((a) => a.metric_name === 'ModelLatency')?.threshold).toBe(20000000);
    const model = Object.values(json.resource.aws_sagemaker_model)[0] as {
      primary_container: { environment?: unknown };
    };
    expect(model.primary_container.environment ?? {}).toEqual({});
  });

  it('lets its execution role read only its own artifacts and pull its own image', () => {
    const statements = (
      Object.values(synth(props).data.aws_iam_policy_document) as {
        statement: { sid?: string; resources?: string[] }[];
      }[]
    ).flatMap((d) => d.statement);
    expect(statements.find((s) => s.sid === 'ReadOwnArtifacts')?.resources).toEqual([
      'arn:aws:s3:::artifacts/llama/*',
      'arn:aws:s3:::artifacts/llama/adapters/tone/*',
    ]);
    expect(statements.find((s) => s.sid === 'PullImage')?.resources).toEqual([
      'arn:aws:ecr:us-east-1:763104351884:repository/djl-inference',
    ]);
  });

  it('declares its log group with the key and the retention, and its role cannot create log groups', () => {
    const json = synth({ ...props, logRetentionDays: 14 });
    const [id, group] = Object.entries(json.resource.aws_cloudwatch_log_group)[0];
    expect(group).toMatchObject({
      name: '/aws/sagemaker/Endpoints/fm-test-llama',
      kms_key_id: props.kmsKeyArn,
      retention_in_days: 14,
    });
    expect(Object.values(json.resource.aws_sagemaker_endpoint)[0].depends_on).toContain(
      `aws_cloudwatch_log_group.${id}`,
    );
    const actions = Object.values(json.data.aws_iam_policy_document).flatMap((d) =>
      ((d.statement ?? []) as { actions?: string[] }[]).flatMap((s) => s.actions ?? []),
    );
    expect(actions).toContain('logs:PutLogEvents');
    expect(actions).not.toContain('logs:CreateLogGroup');
    expect(() => synth({ ...props, logRetentionDays: 2 })).toThrow('log retention must be one of');
  });

  it('hosts serverless capacity without a KMS key or adapters', () => {
    const config = configOf(
      synth({ ...props, adapters: [], capacity: { mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 5 } }),
    ) as {
      kms_key_arn?: string;
      production_variants: { serverless_config: unknown }[];
    };
    expect(config.kms_key_arn).toBeUndefined();
    expect(config.production_variants[0].serverless_config).toEqual({ memory_size_in_mb: 2048, max_concurrency: 5 });
    expect(supportsVolumeKmsKey('ml.g5.2xlarge')).toBe(false);
    expect(supportsVolumeKmsKey('ml.m5.xlarge')).toBe(true);
  });

  it('fails if a serverless endpoint has adapters', () => {
    expect(() => synth({ ...props, capacity: { mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 5 } })).toThrow(
      'adapters need instance capacity, but a serverless endpoint with 1 adapters was provided',
    );
  });

  it('fails if the initial instance count is 0', () => {
    expect(() =>
      synth({ ...props, capacity: { mode: 'instances', instanceType: 'ml.m5.xlarge', instanceCount: 0 } }),
    ).toThrow('initial instance count must be 1 or more, but 0 was provided');
  });
});
