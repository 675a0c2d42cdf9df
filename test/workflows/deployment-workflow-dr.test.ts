import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { loadProject } from '../../catalog';
import { MODEL_PACKAGE_ENV, type DrDeployRequest } from '../../contracts/dr-deployment';
import { deploymentTableName } from '../../contracts/model-deployment';
import { deploymentWorkflowProps, drDeployConfig, pipelineModels } from '../../hosting/sagemaker/pipeline';
import { LocalDynamo } from '../../sim/dynamodb';
import { deploymentWorkflowDefinition } from '../../workflows/deployment-workflow';
import { TwoRegions } from '../support/dr-deploy';
import { validateDefinition } from './harness';
import { runDeployment, type TaskClients } from './sdk-tasks';

/*
 * Prod's pipeline with its DR phase (us-east-1 → us-west-2), executed by the local ASL interpreter:
 * the primary's tasks on real SDK clients against us-east-1's SageMaker simulator, the DR phase's
 * through the real DR function (functions/dr-deploy) on real clients against us-west-2's and S3's.
 */

const prod = loadProject({ only: ['prod'] }).plans[0];
const model = pipelineModels(prod).find((m) => m.hosting.disasterRecovery !== undefined);
if (model === undefined) throw new Error('prod has no registry-driven model with a DR endpoint');
const h = model.hosting;
const dr = h.disasterRecovery!;
const group = h.modelRegistry!.packageGroup;
const TABLE = deploymentTableName('fm-prod');
const variant = {
  VariantName: 'AllTraffic',
  InstanceType: 'ml.g5.2xlarge',
  InitialInstanceCount: 2,
  InitialVariantWeight: 1,
};
const factsOf = (endpoint: string) => ({
  executionRoleArn: `arn:aws:iam::${prod.account}:role/${endpoint}-exec`,
  alarmNames: [`${endpoint}-5xx`, `${endpoint}-model-latency-p99`],
  variant,
  networkIsolation: true,
});
const props = deploymentWorkflowProps(model, prod, factsOf(h.endpointName), TABLE, factsOf(dr.endpointName));
const definition = deploymentWorkflowDefinition(props);
const config = drDeployConfig(model, prod);
const source = config.artifacts[0].source;
const replica = config.artifacts[0].replica;
const pkg = (v: number) => `arn:aws:sagemaker:${prod.region}:${prod.account}:model-package/${group}/${v}`;
const WEIGHTS = {
  'config.json': '{}',
  'model-00001-of-00002.safetensors': 'aaaa',
  'model-00002-of-00002.safetensors': 'bb',
};

it('the definition with its DR phase passes asl-validator, and its calls in us-west-2 go through the DR function', () => {
  const result = validateDefinition(definition);
  expect(result.errorsText('\n')).toBe('');
  const update = definition.States.DrUpdateEndpoint as { Resource: string; Parameters: Record<string, unknown> };
  expect(update.Resource).toBe('arn:aws:states:::lambda:invoke');
  expect(update.Parameters).toMatchObject({
    FunctionName: props.disasterRecovery?.functionArn,
    Payload: { action: 'updateEndpoint', input: { EndpointName: dr.endpointName } },
  });
  expect(config).toMatchObject({ region: 'us-west-2', packageArnPrefix: pkg(0).replace(/0$/, '') });
  expect(config.artifacts[0]).toEqual({ source: h.modelDataUrl, replica: dr.modelDataUrl });
});

describe('the deployment pipeline with a DR endpoint, in two simulated Regions', () => {
  let regions: TwoRegions;
  let dynamo: LocalDynamo;
  let clients: TaskClients;
  let drCalls: DrDeployRequest[];
  /** Called before each request the DR function gets: a test's hook into replication's progress. */
  let beforeDrCall: (request: DrDeployRequest) => void;

  beforeAll(async () => {
    dynamo = await LocalDynamo.start();
    await dynamo.createDeploymentTable(TABLE);
  });
  afterAll(() => dynamo.close());
  beforeEach(async () => {
    regions = new TwoRegions(prod.account, prod.region, dr.region);
    await regions.listen();
    const primary = regions.sagemaker[prod.region];
    const handler = regions.handler(config);
    drCalls = [];
    beforeDrCall = () => undefined;
    clients = {
      sagemaker: regions.client(SageMakerClient, prod.region),
      cloudwatch: regions.client(CloudWatchClient, prod.region),
      dynamodb: dynamo.client(),
      events: [],
      lambdas: {
        [props.disasterRecovery!.functionArn]: (request: DrDeployRequest) => {
          drCalls.push(request);
          beforeDrCall(request);
          return handler(request);
        },
      },
    };
    for (const v of [3, 4]) {
      primary.registerPackage(group, v, 'Approved', `${source}v${v}/`);
      regions.putWeights(`${source}v${v}/`, `${replica}v${v}/`, WEIGHTS);
    }
    primary.createEndpoint(h.endpointName, pkg(3), { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2 });
    // The DR endpoint as Terraform first made it: the catalog's weights from the replica, no version.
    regions.sagemaker[dr.region].createEndpoint(
      dr.endpointName,
      { Image: dr.image, ModelDataSource: { S3DataSource: { S3Uri: dr.modelDataUrl, S3DataType: 'S3Prefix' } } },
      { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2 },
    );
  });
  afterEach(async () => {
    clients.dynamodb.destroy();
    await regions.close();
  });

  const run = (v: number, name: string) =>
    runDeployment(definition, { modelPackageArn: pkg(v), trigger: 'promote' }, clients, name, prod.account);
  const failure = (execution: Promise<unknown>) =>
    execution.then(
      (out) => {
        throw new Error(`the execution succeeded: ${JSON.stringify(out)}`);
      },
      (err: Error) => err.cause as Error,
    );
  const records = async (execution: string) =>
    (
      (
        await clients.dynamodb.send(
          new QueryCommand({
            TableName: TABLE,
            KeyConditionExpression: '#m = :m',
            ExpressionAttributeNames: { '#m': 'model' },
            ExpressionAttributeValues: { ':m': { S: model.id } },
          }),
        )
      ).Items ?? []
    ).filter((i) => i.execution?.S?.endsWith(`:${execution}`));
  const drServing = () => {
    const container = regions.sagemaker[dr.region].servingModel(dr.endpointName)?.PrimaryContainer as
      { Image?: string; ModelDataUrl?: string; Environment?: Record<string, string> } | undefined;
    return container;
  };
  const updates = (region: string) =>
    regions.sagemaker[region].calls.filter((c) => c.operation === 'UpdateEndpoint').length;

  it('the first promotion after an apply leaves the primary alone and moves the DR endpoint onto the pinned version', async () => {
    const out = await run(3, 'promote-3');
    expect(out).toMatchObject({
      outcome: 'unchanged',
      servingPackageArn: pkg(3),
      disasterRecovery: { outcome: 'serving', servingPackageArn: pkg(3), previousPackageArn: '' },
    });
    expect(updates(prod.region)).toBe(0);
    expect(drServing()).toEqual({
      Image: dr.image,
      ModelDataUrl: `${replica}v3/`,
      Environment: { ...h.environment, [MODEL_PACKAGE_ENV]: pkg(3) },
    });
    const [record] = await records('promote-3');
    expect(record).toMatchObject({
      outcome: { S: 'serving' },
      region: { S: 'us-west-2' },
      endpointName: { S: dr.endpointName },
      at: { S: expect.stringMatching(/#promote-3#dr$/) as unknown },
    });
  });

  it("promotes a version in both Regions, the DR phase waiting while S3 replicates the version's weights", async () => {
    regions.s3.reset();
    regions.putWeights(`${source}v4/`, `${replica}v4/`, WEIGHTS, 'PENDING', false);
    let creates = 0;
    beforeDrCall = (r) => {
      // Replication completes between the second and the third ask.
      if (r.action === 'createModelFromPackage' && ++creates === 3)
        regions.putWeights(`${source}v4/`, `${replica}v4/`, WEIGHTS, 'COMPLETED');
    };
    const out = await run(4, 'promote-4');
    expect(out).toMatchObject({
      outcome: 'serving',
      servingPackageArn: pkg(4),
      previousPackageArn: pkg(3),
      disasterRecovery: { outcome: 'serving', servingPackageArn: pkg(4) },
    });
    expect(creates).toBe(3);
    expect(regions.sagemaker[prod.region].servingPackage(h.endpointName)).toBe(pkg(4));
    expect(drServing()?.Environment?.[MODEL_PACKAGE_ENV]).toBe(pkg(4));
    expect(drServing()?.Image).toMatch(/\.dkr\.ecr\.us-west-2\.amazonaws\.com\//);
    // Blue/green with the DR endpoint's own alarms.
    const drUpdate = regions.sagemaker[dr.region].calls.find((c) => c.operation === 'UpdateEndpoint');
    expect(drUpdate?.input.DeploymentConfig).toMatchObject({
      AutoRollbackConfiguration: {
        Alarms: [{ AlarmName: `${dr.endpointName}-5xx` }, { AlarmName: `${dr.endpointName}-model-latency-p99` }],
      },
    });
    expect((await records('promote-4')).map((r) => `${r.region?.S} ${r.outcome?.S}`).sort()).toEqual([
      'us-east-1 serving',
      'us-west-2 serving',
    ]);
    expect(clients.events).toHaveLength(2);

    // Promoting the version both serve changes nothing in either Region.
    const [east, west] = [updates(prod.region), updates(dr.region)];
    await expect(run(4, 'promote-4-again')).resolves.toMatchObject({
      outcome: 'unchanged',
      disasterRecovery: { outcome: 'unchanged' },
    });
    expect([updates(prod.region), updates(dr.region)]).toEqual([east, west]);
  });

  it('an alarm rollback in the DR Region fails the execution as such, the primary keeping the new version', async () => {
    await run(3, 'dr-onto-3');
    regions.sagemaker[dr.region].failNextUpdate(dr.endpointName, {
      kind: 'alarm',
      alarmName: `${dr.endpointName}-5xx`,
    });
    const err = await failure(run(4, 'dr-rollback-4'));
    expect(err.name).toBe('Deployment.DisasterRecoveryRolledBack');
    expect(err.message).toContain('us-west-2: rolled back on the alarms');
    expect(err.message).toContain(`${dr.endpointName}-5xx`);
    expect(err.message).toContain(`${pkg(4)} serves in us-east-1`);
    expect(regions.sagemaker[prod.region].servingPackage(h.endpointName)).toBe(pkg(4));
    expect(drServing()?.Environment?.[MODEL_PACKAGE_ENV]).toBe(pkg(3));
    const byRegion = Object.fromEntries((await records('dr-rollback-4')).map((r) => [r.region?.S, r]));
    expect(byRegion['us-east-1']).toMatchObject({ outcome: { S: 'serving' } });
    expect(byRegion['us-west-2']).toMatchObject({
      outcome: { S: 'rolled-back' },
      servingPackageArn: { S: pkg(3) },
      alarms: { S: JSON.stringify([`${dr.endpointName}-5xx`]) },
    });
  });

  it('weights never replicated: the DR phase is recorded failed and says how to fix it; nothing changes there', async () => {
    regions.s3.reset();
    regions.putWeights(`${source}v4/`, `${replica}v4/`, WEIGHTS, 'none', false);
    const err = await failure(run(4, 'unreplicated-4'));
    expect(err.name).toBe('Deployment.DisasterRecoveryFailed');
    expect(err.message).toContain('S3 Batch Replication');
    expect(regions.sagemaker[dr.region].calls.map((c) => c.operation)).not.toContain('CreateModel');
    const drRecord = (await records('unreplicated-4')).find((r) => r.region?.S === 'us-west-2');
    expect(drRecord).toMatchObject({ outcome: { S: 'failed' } });
    expect(drRecord?.failureReason?.S).toContain('are not in');
  });

  it("rolls a DR capacity change out as a new configuration there, never through Terraform's endpoint update", async () => {
    await run(3, 'dr-onto-3-again');
    // The DR endpoint serving v3 on one instance (say, scaled by hand): the environment asks for two.
    const west = regions.sagemaker[dr.region];
    const serving = west.servingModel(dr.endpointName)!;
    west.endpoints.delete(dr.endpointName);
    west.createEndpoint(
      dr.endpointName,
      serving.PrimaryContainer as Record<string, unknown>,
      {
        InstanceType: 'ml.g5.2xlarge',
        InitialInstanceCount: 1,
      },
      `${dr.endpointName}-by-hand`,
    );
    const before = updates(dr.region);
    await expect(run(3, 'dr-resize-3')).resolves.toMatchObject({
      outcome: 'unchanged',
      disasterRecovery: { outcome: 'serving', servingPackageArn: pkg(3) },
    });
    expect(updates(dr.region)).toBe(before + 1);
    const config = west.calls.filter((c) => c.operation === 'CreateEndpointConfig').at(-1)?.input as {
      ProductionVariants: Record<string, unknown>[];
    };
    expect(config.ProductionVariants[0]).toMatchObject({ InitialInstanceCount: 2 });
  });

  it('a primary roll-out that rolls back leaves the DR endpoint alone', async () => {
    regions.sagemaker[prod.region].failNextUpdate(h.endpointName, {
      kind: 'alarm',
      alarmName: `${h.endpointName}-5xx`,
    });
    const err = await failure(run(4, 'primary-rollback-4'));
    expect(err.name).toBe('Deployment.RolledBack');
    expect(drCalls).toEqual([]);
    expect(regions.sagemaker[dr.region].calls).toEqual([]);
  });
});
