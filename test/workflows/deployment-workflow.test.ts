import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { loadProject } from '../../catalog';
import { deploymentTableName } from '../../contracts/model-deployment';
import { deploymentWorkflowProps, pipelineModels } from '../../hosting/sagemaker/pipeline';
import { LocalDynamo } from '../../sim/dynamodb';
import { SageMakerControlPlaneSim } from '../../sim/sagemaker-control-plane';
import {
  DEPLOYMENT_STATES,
  deploymentWorkflowDefinition,
  type DeploymentWorkflowProps,
} from '../../workflows/deployment-workflow';
import { validateDefinition } from './harness';
import { runDeployment, type TaskClients } from './sdk-tasks';

const prod = loadProject({ only: ['prod'] }).plans[0];
const model = pipelineModels(prod)[0];
const endpoint = model.hosting.endpointName;
const group = model.hosting.modelRegistry?.packageGroup as string;
const TABLE = deploymentTableName('fm-prod');
const facts = {
  executionRoleArn: `arn:aws:iam::${prod.account}:role/${endpoint}-exec`,
  alarmNames: [`${endpoint}-5xx`, `${endpoint}-model-latency-p99`],
  variant: {
    VariantName: 'AllTraffic',
    InstanceType: 'ml.g5.2xlarge',
    InitialInstanceCount: 2,
    InitialVariantWeight: 1,
  },
  networkIsolation: true,
};
const props: DeploymentWorkflowProps = deploymentWorkflowProps(model, prod, facts, TABLE);
const definition = deploymentWorkflowDefinition(props);

describe('deployment workflow definition', () => {
  it('passes asl-validator', () => {
    const result = validateDefinition(definition);
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it("updates the endpoint with prod's canary policy and both rollback alarms", () => {
    const update = definition.States[DEPLOYMENT_STATES.update] as {
      Resource: string;
      Parameters: { DeploymentConfig: Record<string, unknown> };
    };
    expect(update.Resource).toBe('arn:aws:states:::aws-sdk:sagemaker:updateEndpoint');
    expect(update.Parameters.DeploymentConfig).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: expect.objectContaining({ Type: 'CANARY' }) as unknown,
        MaximumExecutionTimeoutInSeconds: expect.any(Number) as unknown,
        TerminationWaitInSeconds: expect.any(Number) as unknown,
      },
      AutoRollbackConfiguration: { Alarms: facts.alarmNames.map((AlarmName) => ({ AlarmName })) },
    });
    // Standard, not Express: a canary roll-out with its bakes runs far past Express's five minutes.
    expect(definition.TimeoutSeconds).toBeGreaterThan(
      (update.Parameters.DeploymentConfig.BlueGreenUpdatePolicy as { MaximumExecutionTimeoutInSeconds: number })
        .MaximumExecutionTimeoutInSeconds,
    );
  });
});

describe('deployment workflow against the SageMaker control-plane simulator', () => {
  let sim: SageMakerControlPlaneSim;
  let dynamo: LocalDynamo;
  let clients: TaskClients;
  const v3 = () => `arn:aws:sagemaker:us-east-1:${prod.account}:model-package/${group}/3`;
  const v4 = () => `arn:aws:sagemaker:us-east-1:${prod.account}:model-package/${group}/4`;

  beforeAll(async () => {
    dynamo = await LocalDynamo.start();
    await dynamo.createDeploymentTable(TABLE);
  });
  afterAll(async () => {
    await dynamo.close();
  });
  beforeEach(async () => {
    sim = new SageMakerControlPlaneSim(prod.account, 'us-east-1');
    const url = await sim.listen();
    const common = { endpoint: url, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } };
    clients = {
      sagemaker: new SageMakerClient(common),
      cloudwatch: new CloudWatchClient(common),
      dynamodb: dynamo.client(),
      events: [],
    };
    sim.registerPackage(group, 3);
    sim.registerPackage(group, 4);
    sim.createEndpoint(endpoint, v3(), { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2 });
  });
  afterEach(async () => {
    clients.sagemaker.destroy();
    clients.cloudwatch.destroy();
    clients.dynamodb.destroy();
    await sim.close();
  });

  const run = (input: unknown, id: string) => runDeployment(definition, input, clients, id, prod.account);
  const records = async () =>
    (
      await clients.dynamodb.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: '#m = :m',
          ExpressionAttributeNames: { '#m': 'model' },
          ExpressionAttributeValues: { ':m': { S: model.id } },
        }),
      )
    ).Items ?? [];
  /** The Fail state an execution ended in (the interpreter wraps it in an ExecutionError). */
  const failure = (execution: Promise<unknown>) =>
    execution.then(
      (out) => {
        throw new Error(`the execution succeeded: ${JSON.stringify(out)}`);
      },
      (err: Error) => err.cause as Error,
    );
  const statuses = () => sim.calls.filter((c) => c.operation === 'DescribeEndpoint').length;

  it('promotes an approved version: a new model and configuration, the endpoint updated, the version recorded', async () => {
    sim.updatingPolls = 3;
    const out = await run({ modelPackageArn: v4(), trigger: 'promote' }, 'promote-4');
    expect(out).toMatchObject({ outcome: 'serving', servingPackageArn: v4(), previousPackageArn: v3() });
    expect(sim.servingPackage(endpoint)).toBe(v4());
    // The model names the package and nothing else; the configuration copies Terraform's variant.
    const created = sim.calls.find((c) => c.operation === 'CreateModel')?.input as Record<string, unknown>;
    expect(created).toMatchObject({
      ExecutionRoleArn: facts.executionRoleArn,
      EnableNetworkIsolation: true,
      PrimaryContainer: { ModelPackageName: v4() },
    });
    expect(String(created.ModelName)).toMatch(new RegExp(`^${endpoint}-v4-[0-9a-f]{8}$`));
    const config = sim.calls.find((c) => c.operation === 'CreateEndpointConfig')?.input as Record<string, unknown>;
    expect(config.ProductionVariants).toEqual([{ ...facts.variant, ModelName: created.ModelName }]);
    // It waited through Updating: three polls (and the one before the update).
    expect(statuses()).toBe(4);
    // Nothing was deleted: the previous model and configuration are what a rollback goes back to.
    expect(sim.calls.some((c) => c.operation.startsWith('Delete'))).toBe(false);
    const [item] = await records();
    expect(item).toMatchObject({
      outcome: { S: 'serving' },
      servingPackageArn: { S: v4() },
      previousPackageArn: { S: v3() },
      trigger: { S: 'promote' },
      alarms: { S: '[]' },
      at: { S: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z#promote-4$/) as unknown },
    });
    expect(clients.events).toEqual([
      {
        Entries: [
          expect.objectContaining({
            Source: 'fm-platform.model-deployment',
            DetailType: 'Model Deployment Outcome',
            Detail: expect.objectContaining({
              outcome: 'serving',
              servingPackageArn: v4(),
              model: model.id,
            }) as unknown,
          }),
        ],
      },
    ]);
    // Promoting the version that serves changes nothing (the deploy job promotes on every apply).
    const calls = sim.calls.length;
    await expect(run({ modelPackageArn: v4(), trigger: 'promote' }, 'promote-4-again')).resolves.toEqual({
      packageArn: v4(),
    });
    expect(sim.calls.slice(calls).map((c) => c.operation)).not.toContain('UpdateEndpoint');
  });

  it('retries a throttled SageMaker call instead of failing the roll-out', async () => {
    sim.throttle.set('CreateModel', 2);
    sim.throttle.set('UpdateEndpoint', 1);
    await expect(run({ modelPackageArn: v4(), trigger: 'promote' }, 'throttled-4')).resolves.toMatchObject({
      outcome: 'serving',
    });
    expect(sim.calls.filter((c) => c.operation === 'CreateModel')).toHaveLength(3);
    expect(sim.servingPackage(endpoint)).toBe(v4());
  });

  it('rolls a capacity change out as a new configuration of the version serving', async () => {
    sim.endpoints.clear();
    sim.createEndpoint(endpoint, v3(), { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 1 });
    await expect(run({ modelPackageArn: v3(), trigger: 'promote' }, 'resize-3')).resolves.toMatchObject({
      outcome: 'serving',
      servingPackageArn: v3(),
    });
    const config = sim.calls.find((c) => c.operation === 'CreateEndpointConfig')?.input as Record<string, unknown>;
    expect(config.ProductionVariants).toEqual([expect.objectContaining({ InitialInstanceCount: 2 })]);
  });

  it('records an alarm rollback as a rollback, naming the alarm, with the old version serving', async () => {
    sim.failNextUpdate(endpoint, { kind: 'alarm', alarmName: `${endpoint}-5xx` });
    await expect(failure(run({ modelPackageArn: v4(), trigger: 'approval' }, 'rollback-4'))).resolves.toMatchObject({
      name: 'Deployment.RolledBack',
      message: expect.stringContaining(`${endpoint}-5xx`) as unknown,
    });
    // SageMaker went back to the old configuration and said nothing (no FailureReason): the workflow saw it anyway.
    expect(sim.servingPackage(endpoint)).toBe(v3());
    const polled = sim.calls.filter((c) => c.operation === 'DescribeEndpoint').length;
    expect(polled).toBeGreaterThanOrEqual(1 + sim.updatingPolls + sim.rollingBackPolls);
    const item = (await records()).find((i) => i.at.S?.endsWith('#rollback-4'));
    expect(item).toMatchObject({
      outcome: { S: 'rolled-back' },
      requestedPackageArn: { S: v4() },
      servingPackageArn: { S: v3() },
      alarms: { S: JSON.stringify([`${endpoint}-5xx`]) },
      failureReason: { S: '' },
    });
    expect(clients.events).toHaveLength(1);
  });

  it('records a failed update that never shifted traffic as failed, the old version serving', async () => {
    sim.failNextUpdate(endpoint, { kind: 'provisioning', reason: 'Insufficient capacity for ml.g5.2xlarge' });
    await expect(failure(run({ modelPackageArn: v4(), trigger: 'promote' }, 'fail-4'))).resolves.toMatchObject({
      name: 'Deployment.Failed',
    });
    expect(sim.servingPackage(endpoint)).toBe(v3());
    const item = (await records()).find((i) => i.at.S?.endsWith('#fail-4'));
    expect(item).toMatchObject({
      outcome: { S: 'failed' },
      servingPackageArn: { S: v3() },
      failureReason: { S: 'Insufficient capacity for ml.g5.2xlarge' },
    });
  });

  it("records an endpoint that ends Failed as failed, with SageMaker's reason and no version serving", async () => {
    sim.failNextUpdate(endpoint, { kind: 'failed', reason: 'Internal failure during the update' });
    await expect(failure(run({ modelPackageArn: v4(), trigger: 'promote' }, 'broken-4'))).resolves.toMatchObject({
      name: 'Deployment.Failed',
      message: expect.stringContaining('Internal failure during the update') as unknown,
    });
    const item = (await records()).find((i) => i.at.S?.endsWith('#broken-4'));
    expect(item).toMatchObject({
      outcome: { S: 'failed' },
      servingPackageArn: { S: '' },
      previousPackageArn: { S: v3() },
      failureReason: { S: 'Internal failure during the update' },
    });
  });

  it('refuses a package that is not Approved, and changes nothing', async () => {
    const pending = sim.registerPackage(group, 5, 'PendingManualApproval');
    await expect(failure(run({ modelPackageArn: pending, trigger: 'promote' }, 'refuse-5'))).resolves.toMatchObject({
      name: 'Deployment.Refused',
      message: expect.stringContaining('PendingManualApproval') as unknown,
    });
    expect(sim.calls.map((c) => c.operation)).toEqual(['DescribeModelPackage']);
    expect(sim.servingPackage(endpoint)).toBe(v3());
    const item = (await records()).find((i) => i.at.S?.endsWith('#refuse-5'));
    expect(item).toMatchObject({ outcome: { S: 'refused' }, requestedPackageArn: { S: pending } });
  });

  it('refuses a package of another group without calling SageMaker', async () => {
    const other = sim.registerPackage('someone-elses-group', 1);
    await expect(failure(run({ modelPackageArn: other, trigger: 'rollback' }, 'refuse-other'))).resolves.toMatchObject({
      name: 'Deployment.Refused',
    });
    expect(sim.calls).toEqual([]);
  });
});
