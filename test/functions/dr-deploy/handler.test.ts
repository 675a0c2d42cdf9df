import {
  DR_DEPLOY_ERRORS,
  MODEL_PACKAGE_ENV,
  imageInRegion,
  type DrDeployConfig,
} from '../../../contracts/dr-deployment';
import { TwoRegions } from '../../support/dr-deploy';

const ACCOUNT = '333333333333';
const GROUP = 'fm-llama-3-8b-support-lora';
const SOURCE = 's3://fm-platform-model-artifacts-333333333333/llama-3-1-8b-instruct/';
const REPLICA = 's3://fm-platform-model-artifacts-333333333333-us-west-2/llama-3-1-8b-instruct/';
const config: DrDeployConfig = {
  region: 'us-west-2',
  packageArnPrefix: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/${GROUP}/`,
  artifacts: [{ source: SOURCE, replica: REPLICA }],
};
const WEIGHTS = {
  'config.json': '{}',
  'model-00001.safetensors': 'weights-1',
  'model-00002.safetensors': 'weights-22',
};

describe('imageInRegion', () => {
  it("names the same ECR repository in another Region, and refuses what is not ECR's", () => {
    expect(
      imageInRegion('763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124', 'us-west-2'),
    ).toBe('763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124');
    expect(imageInRegion('123456789012.dkr.ecr.us-east-1.amazonaws.com/team/model@sha256:abc', 'eu-west-1')).toBe(
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/model@sha256:abc',
    );
    expect(imageInRegion('docker.io/library/nginx:latest', 'us-west-2')).toBeUndefined();
  });
});

describe('the DR deployment function against two simulated Regions', () => {
  let regions: TwoRegions;
  let handler: ReturnType<TwoRegions['handler']>;
  const create = (version: number, name = `fm-prod-llama-3-8b-support-lora-dr-v${version}-0000abcd`) =>
    handler({
      action: 'createModelFromPackage',
      input: {
        ModelName: name,
        ExecutionRoleArn: `arn:aws:iam::${ACCOUNT}:role/fm-prod-llama-3-8b-support-lora-dr-exec`,
        EnableNetworkIsolation: true,
        Environment: { OPTION_MAX_MODEL_LEN: '8192' },
        ModelPackageName: `${config.packageArnPrefix}${version}`,
      },
    });
  const failure = (p: Promise<unknown>) =>
    p.then(
      (out) => {
        throw new Error(`it succeeded: ${JSON.stringify(out)}`);
      },
      (err: Error) => err,
    );

  beforeEach(async () => {
    regions = new TwoRegions(ACCOUNT, 'us-east-1', 'us-west-2');
    await regions.listen();
    handler = regions.handler(config);
    regions.sagemaker['us-east-1'].registerPackage(GROUP, 4, 'Approved', `${SOURCE}v4/`);
  });
  afterEach(() => regions.close());

  it("creates the version's model in the DR Region: its image there, its replicated weights, its ARN in the environment", async () => {
    regions.putWeights(`${SOURCE}v4/`, `${REPLICA}v4/`, WEIGHTS);
    await create(4);
    const dr = regions.sagemaker['us-west-2'];
    const created = dr.calls.find((c) => c.operation === 'CreateModel');
    expect(created?.region).toBe('us-west-2');
    expect(created?.input.PrimaryContainer).toEqual({
      Image: '763104351884.dkr.ecr.us-west-2.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124',
      ModelDataUrl: `${REPLICA}v4/`,
      Environment: { OPTION_MAX_MODEL_LEN: '8192', [MODEL_PACKAGE_ENV]: `${config.packageArnPrefix}4` },
    });
    // The package was read where it is registered, and nothing was created there.
    const primary = regions.sagemaker['us-east-1'].calls.map((c) => `${c.operation}@${c.region}`);
    expect(primary).toEqual(['DescribeModelPackage@us-east-1']);
  });

  it('asks again while S3 still replicates the weights (ReplicaPending), and creates nothing', async () => {
    regions.putWeights(`${SOURCE}v4/`, `${REPLICA}v4/`, WEIGHTS, 'PENDING');
    const err = await failure(create(4));
    expect(err.name).toBe(DR_DEPLOY_ERRORS.replicaPending);
    expect(err.message).toMatch(/3 of 3 objects .* still replicating to us-west-2/);
    expect(regions.sagemaker['us-west-2'].calls).toEqual([]);
  });

  it('refuses weights whose replication FAILED, or that were never replicated, naming the fix', async () => {
    regions.putWeights(`${SOURCE}v4/`, `${REPLICA}v4/`, WEIGHTS, 'FAILED');
    const failed = await failure(create(4));
    expect(failed.name).toBe(DR_DEPLOY_ERRORS.notReplicated);
    expect(failed.message).toContain('replication FAILED');

    regions.s3.reset();
    // Written before the replication rule: no status, and no copy in the replica.
    regions.putWeights(`${SOURCE}v4/`, `${REPLICA}v4/`, WEIGHTS, 'none', false);
    const never = await failure(create(4));
    expect(never.name).toBe(DR_DEPLOY_ERRORS.notReplicated);
    expect(never.message).toContain('S3 Batch Replication');
    expect(regions.sagemaker['us-west-2'].calls).toEqual([]);
  });

  it('takes objects without a replication status when the replica holds them at the same size', async () => {
    regions.putWeights(`${SOURCE}v4/`, `${REPLICA}v4/`, WEIGHTS, 'none', true);
    await expect(create(4)).resolves.toMatchObject({ ModelArn: expect.stringContaining(':us-west-2:') as unknown });
  });

  it("refuses a version of another group, and weights outside the DR endpoint's replicated prefix", async () => {
    const other = await failure(
      handler({
        action: 'createModelFromPackage',
        input: { ModelName: 'x', ModelPackageName: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:model-package/theirs/1` },
      }),
    );
    expect(other.name).toBe(DR_DEPLOY_ERRORS.refused);
    regions.sagemaker['us-east-1'].registerPackage(GROUP, 5, 'Approved', 's3://somewhere-else/llama/v5/');
    const outside = await failure(create(5));
    expect(outside.name).toBe(DR_DEPLOY_ERRORS.refused);
    expect(outside.message).toContain('register versions under that prefix');
  });

  it("answers the other calls in the DR Region in the API's shape, its errors named as Step Functions names them", async () => {
    const dr = regions.sagemaker['us-west-2'];
    dr.createEndpoint('fm-prod-llama-3-8b-support-lora-dr', { Image: 'i', ModelDataUrl: `${REPLICA}` });
    await expect(
      handler({ action: 'describeEndpoint', input: { EndpointName: 'fm-prod-llama-3-8b-support-lora-dr' } }),
    ).resolves.toMatchObject({ EndpointStatus: 'InService', EndpointConfigName: expect.any(String) as unknown });
    expect(dr.calls.at(-1)?.region).toBe('us-west-2');
    const missing = await failure(handler({ action: 'describeEndpoint', input: { EndpointName: 'nope' } }));
    expect(missing.name).toBe('SageMaker.ValidationException');
    const unknown = await failure(handler({ action: 'deleteEndpoint' as never, input: {} }));
    expect(unknown.name).toBe(DR_DEPLOY_ERRORS.refused);
  });
});
