import type { RoutingTable } from '../schemas/generated/routing-table';
import { AppConfigExtensionSim } from './appconfig-extension';
import { BedrockRuntimeSim } from './bedrock-runtime';
import { LocalDynamo } from './dynamodb';
import type { Behaviour } from './http-sim';
import { SageMakerRuntimeSim } from './sagemaker-runtime';

/**
 * Every simulator the router talks to, started together on loopback, with the environment
 * variables that point the router (and the AWS SDK) at them. `bedrock: false` leaves the model
 * backends to real AWS (the dev gateway's --aws).
 */
export class SimStack {
  readonly bedrock = new BedrockRuntimeSim();
  readonly sagemaker = new SageMakerRuntimeSim();
  readonly appconfig = new AppConfigExtensionSim();
  dynamo?: LocalDynamo;
  env: Record<string, string> = {};

  constructor(readonly table: RoutingTable) {}

  async start(options: { models?: boolean; circuitTable?: string } = {}): Promise<this> {
    const models = options.models ?? true;
    this.dynamo = await LocalDynamo.start();
    const circuitTable = options.circuitTable ?? 'fm-circuits';
    await this.dynamo.createCircuitTable(circuitTable);
    this.appconfig.setDocument(this.table);
    this.env = {
      FM_ENVIRONMENT: this.table.environment,
      FM_APPCONFIG_URL: await this.appconfig.listen(),
      FM_APPCONFIG_APPLICATION: 'fm-platform',
      FM_APPCONFIG_ENVIRONMENT: this.table.environment,
      FM_APPCONFIG_PROFILE: 'routing-table',
      AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS: '45',
      FM_CIRCUIT_TABLE: circuitTable,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamo.url,
      AWS_REGION: this.table.region,
    };
    if (models) {
      Object.assign(this.env, {
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: await this.bedrock.listen(),
        AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: await this.sagemaker.listen(),
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
    }
    Object.assign(process.env, this.env);
    return this;
  }

  /** Sets a behaviour on a catalog model (by its routing-table id), in one Region or all. */
  setModel(modelId: string, behaviour: Behaviour, region?: string): void {
    const model = this.table.models[modelId];
    if (model === undefined) throw new Error(`no model "${modelId}" in the ${this.table.environment} routing table (${Object.keys(this.table.models).join(', ')})`);
    const sim = model.hosting === 'sagemaker' ? this.sagemaker : this.bedrock;
    for (const t of model.targets) if (region === undefined || t.region === region) sim.set(t.id, { ...sim.behaviourOf(t.id, t.region), ...behaviour }, region);
  }

  async stop(): Promise<void> {
    await Promise.all([this.bedrock.close(), this.sagemaker.close(), this.appconfig.close(), this.dynamo?.close()]);
  }
}
