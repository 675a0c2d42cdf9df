import { Testing, TerraformVariable } from 'cdktf';
import { ModelEndpoint, type ModelEndpointProps } from '../../../modules/sagemaker/model-endpoint';
import { ModelPackageGroup } from '../../../modules/sagemaker/model-package-group';
import { parseSynth } from '../../stacks/synth-environment';
import { propsFailure, testStack } from '../../support/props';

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
const make = (change: Partial<ModelEndpointProps>) => () =>
  new ModelEndpoint(testStack(), 'Endpoint', { ...props, ...change });
const serverless = (memorySizeMb: number, maxConcurrency: number) => ({
  adapters: [],
  capacity: { mode: 'serverless' as const, memorySizeMb, maxConcurrency },
});
const rollout = (change: Partial<ModelEndpointProps['rollout']>) => ({ rollout: { ...props.rollout, ...change } });

describe('ModelEndpoint rules', () => {
  it.each<[string, Partial<ModelEndpointProps>, string]>([
    [
      'the endpoint name has an underscore',
      { endpointName: 'fm_test' },
      'endpoint name must be 1 to 63 letters, digits and hyphens, but fm_test was provided',
    ],
    [
      'the image is not in ecr',
      { image: 'docker.io/library/llama:1' },
      'image must be an ecr image uri (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>), but docker.io/library/llama:1 was provided',
    ],
    [
      'the model data is not in s3',
      { modelDataUrl: 'https://example.com/model.tar.gz' },
      'model data url must be an s3:// url, but https://example.com/model.tar.gz was provided',
    ],
    [
      'the instance type is not an ml. type',
      { capacity: { mode: 'instances', instanceType: 'g5.2xlarge', instanceCount: 1 } },
      'instance type must be an ml.<family>.<size> instance type, but g5.2xlarge was provided',
    ],
    [
      'the initial instance count is 0',
      { capacity: { mode: 'instances', instanceType: 'ml.m5.xlarge', instanceCount: 0 } },
      'initial instance count must be 1 or more, but 0 was provided',
    ],
    [
      'serverless memory is not a step of 1024 mb',
      serverless(1500, 5),
      'serverless memory must be 1024 to 6144 mb in steps of 1024, but 1500 was provided',
    ],
    [
      'serverless concurrency is above 200',
      serverless(2048, 201),
      'serverless max concurrency must be 1 to 200, but 201 was provided',
    ],
    [
      'a serverless endpoint has adapters',
      { capacity: { mode: 'serverless', memorySizeMb: 2048, maxConcurrency: 5 } },
      'adapters need instance capacity, but a serverless endpoint with 1 adapters was provided',
    ],
    [
      'an adapter is not in s3',
      {
        adapters: [
          { name: 'tone', artifactUrl: 's3://artifacts/tone/' },
          { name: 'legal', artifactUrl: '/tmp/legal' },
        ],
      },
      'adapter artifact urls must be s3:// urls, but /tmp/legal was provided',
    ],
    [
      'a canary is over half the fleet',
      rollout({ type: 'canary', stepPercent: 60 }),
      'canary size must be 1 to 50 percent, but 60 was provided',
    ],
    [
      'a linear step is below 10 percent',
      rollout({ stepPercent: 5 }),
      'linear step must be 10 to 50 percent, but 5 was provided',
    ],
    [
      'the wait interval is over an hour',
      rollout({ waitIntervalSeconds: 3601 }),
      'wait interval must be 0 to 3600 seconds, but 3601 was provided',
    ],
    [
      'the maximum execution timeout is under 10 minutes',
      rollout({ maximumExecutionTimeoutSeconds: 599 }),
      'maximum execution timeout must be 600 to 14400 seconds, but 599 was provided',
    ],
    [
      'the termination wait is negative',
      rollout({ terminationWaitSeconds: -1 }),
      'termination wait must be 0 to 3600 seconds, but -1 was provided',
    ],
    [
      'the latency alarm threshold is 0',
      { latencyAlarmMicroseconds: 0 },
      'latency alarm threshold must be more than 0 microseconds, but 0 was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`ModelEndpoint at stack/Endpoint: ${message}`);
  });

  it('fails with every broken rule at once, in the table order', () => {
    expect(propsFailure(make({ endpointName: 'fm_test', latencyAlarmMicroseconds: -5 })).message).toBe(
      'ModelEndpoint at stack/Endpoint: endpoint name must be 1 to 63 letters, digits and hyphens, but fm_test was provided; latency alarm threshold must be more than 0 microseconds, but -5 was provided',
    );
  });

  it('passes an instance count and a latency threshold that are unresolved tokens to Terraform untouched', () => {
    const json = parseSynth(
      Testing.synthScope((scope) => {
        const count = new TerraformVariable(scope, 'count', { type: 'number' });
        const latency = new TerraformVariable(scope, 'latency', { type: 'number' });
        new ModelEndpoint(scope, 'Endpoint', {
          ...props,
          capacity: { mode: 'instances', instanceType: 'ml.m5.xlarge', instanceCount: count.numberValue },
          latencyAlarmMicroseconds: latency.numberValue,
        });
      }),
    );
    const config = Object.values(json.resource.aws_sagemaker_endpoint_configuration)[0] as {
      production_variants: { initial_instance_count: unknown }[];
    };
    expect(config.production_variants[0].initial_instance_count).toBe('${var.count}');
    const alarms = Object.values(json.resource.aws_cloudwatch_metric_alarm) as {
      metric_name: string;
      threshold: unknown;
    }[];
    expect(alarms.find((a) => a.metric_name === 'ModelLatency')?.threshold).toBe('${var.latency}');
  });
});

describe('ModelPackageGroup rules', () => {
  const makeGroup = (groupName: string, description?: string) => () =>
    new ModelPackageGroup(testStack(), 'Group', { groupName, description });

  it.each<[string, () => unknown, string]>([
    [
      'the group name has a dot',
      makeGroup('llama.3'),
      'package group name must be 1 to 63 letters, digits and hyphens, but llama.3 was provided',
    ],
    [
      'the description is over 1024 characters',
      makeGroup('llama-3', 'd'.repeat(1025)),
      'description must be at most 1024 characters, but 1025 were provided',
    ],
  ])('fails if %s', (_, make, message) => {
    expect(propsFailure(make).message).toBe(`ModelPackageGroup at stack/Group: ${message}`);
  });
});
