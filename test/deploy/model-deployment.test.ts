import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SFNClient } from '@aws-sdk/client-sfn';
import { execFile } from 'node:child_process';
import { loadProject } from '../../catalog';
import { projectRoot } from '../../catalog/paths';
import { deployVersion, pipelineTargets, previousServingPackage, servingPackage } from '../../deploy/model-deployment';
import { deploymentWorkflowProps, pipelineModels } from '../../hosting/sagemaker/pipeline';
import { LocalDynamo } from '../../sim/dynamodb';
import { SageMakerControlPlaneSim } from '../../sim/sagemaker-control-plane';
import { StepFunctionsSim } from '../../sim/step-functions';
import { deploymentWorkflowDefinition } from '../../workflows/deployment-workflow';
import { runDeployment, type TaskClients } from '../workflows/sdk-tasks';

/*
 * `npm run promote` and `npm run rollback` end to end: the real Step Functions client starts the
 * pipeline on a loopback Step Functions server, which runs the real definition in the local ASL
 * interpreter, whose tasks call the SageMaker control-plane simulator and dynalite with the real clients.
 */

const prod = loadProject({ only: ['prod'] }).plans[0];
const [target] = pipelineTargets(prod);
const model = pipelineModels(prod)[0];
const endpoint = target.endpointName;
const definition = deploymentWorkflowDefinition(
  deploymentWorkflowProps(model, prod, {
    executionRoleArn: `arn:aws:iam::${prod.account}:role/${endpoint}-exec`,
    alarmNames: [`${endpoint}-5xx`, `${endpoint}-model-latency-p99`],
    variant: {
      VariantName: 'AllTraffic',
      InstanceType: 'ml.g5.2xlarge',
      InitialInstanceCount: 2,
      InitialVariantWeight: 1,
    },
    networkIsolation: true,
  }),
);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };

describe('promote and rollback through the deployment pipeline', () => {
  let sagemakerSim: SageMakerControlPlaneSim;
  let sfnSim: StepFunctionsSim;
  let dynamo: LocalDynamo;
  let clients: TaskClients;
  let sfn: SFNClient;
  const v = (n: number) => target.packageArn(n);

  beforeAll(async () => {
    dynamo = await LocalDynamo.start();
    await dynamo.createDeploymentTable(target.tableName);
    sagemakerSim = new SageMakerControlPlaneSim(prod.account, prod.region);
    const url = await sagemakerSim.listen();
    const common = { endpoint: url, region: prod.region, credentials };
    clients = {
      sagemaker: new SageMakerClient(common),
      cloudwatch: new CloudWatchClient(common),
      dynamodb: dynamo.client(),
      events: [],
    };
    sfnSim = new StepFunctionsSim((_arn, input, name) => runDeployment(definition, input, clients, name, prod.account));
    sfnSim.stateMachines.add(target.stateMachineArn);
    sfn = new SFNClient({ endpoint: await sfnSim.listen(), region: prod.region, credentials });
    for (const n of [3, 4, 5]) sagemakerSim.registerPackage(target.packageGroup, n);
    sagemakerSim.createEndpoint(endpoint, v(3), { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2 });
  });
  afterAll(async () => {
    sfn.destroy();
    clients.sagemaker.destroy();
    clients.cloudwatch.destroy();
    clients.dynamodb.destroy();
    await sfnSim.close();
    await sagemakerSim.close();
    await dynamo.close();
  });

  const start = (packageArn: string, trigger: 'promote' | 'rollback', at: string) =>
    deployVersion(sfn, {
      stateMachineArn: target.stateMachineArn,
      packageArn,
      trigger,
      now: new Date(at),
      timeoutMs: 30_000,
      pollMs: 20,
    });

  it('finds the pipeline of prod from its plan, pinned at 3', () => {
    expect(target).toMatchObject({
      modelId: 'llama-3-8b-support-lora',
      stateMachineArn: `arn:aws:states:us-east-1:${prod.account}:stateMachine:fm-prod-deploy-llama-3-8b-support-lora`,
      tableName: 'fm-prod-deployments',
      version: 3,
    });
  });

  it('promotes 4, then rolls back to the version before it, then a rolled-back promotion fails naming the alarm', async () => {
    await expect(servingPackage(clients.sagemaker, endpoint)).resolves.toBe(v(3));

    const promoted = await start(v(4), 'promote', '2026-12-03T01:00:00Z');
    expect(promoted).toMatchObject({ ok: true, status: 'SUCCEEDED', output: { servingPackageArn: v(4) } });
    expect(sfnSim.executions[0].name).toBe('promote-v4-2026-12-03T01-00-00-000Z');
    await expect(servingPackage(clients.sagemaker, endpoint)).resolves.toBe(v(4));

    // The default of `npm run rollback`: what served before the version serving now.
    const previous = await previousServingPackage(clients.dynamodb, target.tableName, target.modelId, v(4));
    expect(previous).toBe(v(3));
    const rolledBack = await start(v(3), 'rollback', '2026-12-03T01:10:00Z');
    expect(rolledBack).toMatchObject({ ok: true, output: { servingPackageArn: v(3), previousPackageArn: v(4) } });
    await expect(servingPackage(clients.sagemaker, endpoint)).resolves.toBe(v(3));

    sagemakerSim.failNextUpdate(endpoint, { kind: 'alarm', alarmName: `${endpoint}-model-latency-p99` });
    const failed = await start(v(5), 'promote', '2026-12-03T01:20:00Z');
    expect(failed).toMatchObject({ ok: false, status: 'FAILED', error: 'Deployment.RolledBack' });
    expect(failed.cause).toContain(`${endpoint}-model-latency-p99`);
    await expect(servingPackage(clients.sagemaker, endpoint)).resolves.toBe(v(3));
  });

  it('the commands: --check reports drift from the pin, rollback goes back to the version before, bad arguments are refused', async () => {
    const env = {
      ...process.env,
      AWS_ENDPOINT_URL_SAGEMAKER: sagemakerSim.url,
      AWS_ENDPOINT_URL_SFN: sfnSim.url,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
    // Asynchronous: the simulators answer from this process's event loop.
    const cli = (command: string, args: string[]) =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['run.mjs', `cli/${command}.ts`, ...args],
          { cwd: projectRoot, env },
          (err, stdout, stderr) => resolve({ status: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
        );
      });
    // Prod's DR endpoint, read through the same simulator (one SageMaker endpoint URL for both Regions):
    // first as Terraform made it (no version), then as the pipeline's DR phase leaves it.
    const drEndpoint = target.disasterRecovery!.endpointName;
    const drModel = (env: Record<string, string>) => ({
      Image: 'lmi',
      ModelDataUrl: 's3://replica/',
      Environment: env,
    });
    sagemakerSim.createEndpoint(drEndpoint, drModel({}), {}, `${drEndpoint}-tf0000000`);
    const notYet = await cli('promote', ['--env', 'prod', '--check']);
    expect(notYet.stderr).toContain(`${drEndpoint} (us-west-2) serves nothing readable, the catalog pins ${v(3)}`);
    expect(notYet.status).toBe(3);
    sagemakerSim.createEndpoint(drEndpoint, drModel({ FM_MODEL_PACKAGE_ARN: v(3) }), {}, `${drEndpoint}-v3-0000abcd`);
    // v3 serves on both, as prod pins: no drift.
    const ok = await cli('promote', ['--env', 'prod', '--check']);
    expect(ok.stdout).toContain(`v3 serves on ${endpoint} (us-east-1) and ${drEndpoint} (us-west-2), as pinned`);
    expect(ok.status).toBe(0);
    sagemakerSim.endpoints.delete(endpoint);
    sagemakerSim.createEndpoint(endpoint, v(4), { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 2 });
    const drift = await cli('promote', ['--env', 'prod', '--check']);
    expect(drift.stderr).toContain(`serves ${v(4)}, the catalog pins ${v(3)}`);
    expect(drift.status).toBe(3);
    // rollback with no --to: the version before the one serving (v4, put in place over v3 above).
    const back = await cli('rollback', ['--env', 'prod', '--model', target.modelId, '--poll-seconds', '0']);
    expect(back.stdout).toContain(`rolling ${endpoint} back from ${v(4)} to ${v(3)}`);
    // The DR endpoint already serves v3: the workflow's DR phase (not in this test's definition) would leave it.
    expect(back.status).toBe(0);
    await expect(servingPackage(clients.sagemaker, endpoint)).resolves.toBe(v(3));
    expect(sfnSim.executions.at(-1)?.name).toMatch(/^rollback-v3-/);
    const bad = await cli('rollback', ['--env', 'prod', '--model', target.modelId, '--to', 'three']);
    expect(bad.stderr).toContain('--to must be a model package version');
    expect(bad.status).toBe(2);
    const unknown = await cli('rollback', ['--env', 'prod', '--model', 'claude-3-haiku']);
    expect(unknown.stderr).toContain('claude-3-haiku has no deployment pipeline in prod');
    expect(unknown.status).toBe(2);
  });
});
