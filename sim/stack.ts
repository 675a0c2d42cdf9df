import { ROUTER_ENV, ROUTER_LOCAL_ENV } from '../contracts/router-env';
import type { RoutingTable, TableModel } from '../contracts/routing-table';
import { AppConfigExtensionSim } from './appconfig-extension';
import { BedrockRuntimeSim } from './bedrock-runtime';
import { LocalDynamo } from './dynamodb';
import type { Behaviour, HttpSim } from './http-sim';
import { SageMakerRuntimeSim } from './sagemaker-runtime';

export interface SimStackOptions {
  /** Start the Bedrock and SageMaker simulators; false leaves the model backends to real AWS (the dev gateway's --aws). @default true */
  readonly models?: boolean;
  /** The circuit table created at start. @default 'fm-circuits' */
  readonly circuitTable?: string;
  /** The response-cache table created at start when some route of the table caches. @default 'fm-cache' */
  readonly cacheTable?: string;
  /** The spend ledger created at start when some consumer of the table has limits. @default 'fm-spend' */
  readonly spendTable?: string;
  /** The extension's poll interval the router is given (AWS_APPCONFIG_EXTENSION_POLL_INTERVAL_SECONDS). @default 45 */
  readonly pollSeconds?: number;
}

const APPLICATION = 'fm-platform';
const PROFILE = 'routing-table';

/**
 * Every simulator the router talks to (Bedrock Runtime, SageMaker Runtime, the AppConfig
 * extension, DynamoDB), started together on loopback, with the environment variables that point
 * the router (and the AWS SDK) at them. The one way to start them: the tests, `npm run dev` and the
 * benchmarks all use it. The extension serves the table only at the configuration path the
 * environment names, so a router told another profile gets the extension's 404.
 */
export class SimStack {
  private constructor(
    readonly table: RoutingTable,
    readonly bedrock: BedrockRuntimeSim,
    readonly sagemaker: SageMakerRuntimeSim,
    readonly appconfig: AppConfigExtensionSim,
    readonly dynamo: LocalDynamo,
    /** The variables set in process.env at start (the router's and the SDK's). */
    readonly env: Readonly<Record<string, string>>,
    /** Where the extension serves the routing table: `/applications/<app>/environments/<env>/configurations/<profile>`. */
    readonly configurationPath: string,
  ) {}

  static async start(table: RoutingTable, options: SimStackOptions = {}): Promise<SimStack> {
    const models = options.models ?? true;
    const bedrock = new BedrockRuntimeSim();
    const sagemaker = new SageMakerRuntimeSim();
    const appconfig = new AppConfigExtensionSim();
    const dynamo = await LocalDynamo.start();
    const circuitTable = options.circuitTable ?? 'fm-circuits';
    await dynamo.createCircuitTable(circuitTable);
    const cacheTable = Object.values(table.routes).some((r) => r.cache !== undefined)
      ? (options.cacheTable ?? 'fm-cache')
      : '';
    if (cacheTable) await dynamo.createCacheTable(cacheTable);
    const spendTable = Object.values(table.consumers ?? {}).some((c) => c.limits.length > 0)
      ? (options.spendTable ?? 'fm-spend')
      : '';
    if (spendTable) await dynamo.createSpendTable(spendTable);
    const env: Record<string, string> = {
      [ROUTER_ENV.environment]: table.environment,
      [ROUTER_LOCAL_ENV.appConfigUrl]: await appconfig.listen(),
      [ROUTER_ENV.appConfigApplication]: APPLICATION,
      [ROUTER_ENV.appConfigEnvironment]: table.environment,
      [ROUTER_ENV.appConfigProfile]: PROFILE,
      [ROUTER_ENV.pollIntervalSeconds]: String(options.pollSeconds ?? 45),
      [ROUTER_ENV.circuitTable]: circuitTable,
      [ROUTER_ENV.cacheTable]: cacheTable,
      [ROUTER_ENV.spendTable]: spendTable,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.url,
      AWS_REGION: table.region,
    };
    if (models) {
      Object.assign(env, {
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: await bedrock.listen(),
        AWS_ENDPOINT_URL_SAGEMAKER_RUNTIME: await sagemaker.listen(),
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      });
      delete process.env.AWS_SESSION_TOKEN;
      delete process.env.AWS_PROFILE;
    }
    Object.assign(process.env, env);
    const path = `/applications/${encodeURIComponent(APPLICATION)}/environments/${encodeURIComponent(table.environment)}/configurations/${encodeURIComponent(PROFILE)}`;
    const stack = new SimStack(table, bedrock, sagemaker, appconfig, dynamo, env, path);
    stack.setTable(table);
    return stack;
  }

  /** Serves a document (a routing table, or anything else) as the routing table, where the router reads it. */
  setTable(document: RoutingTable | string | object): void {
    this.appconfig.setDocument(document, this.configurationPath);
  }

  /** Sets a behaviour on a catalog model (by its routing-table id), in one Region or all. */
  setModel(modelId: string, behaviour: Behaviour, region?: string): void {
    const model = this.table.models[modelId];
    if (model === undefined)
      throw new Error(
        `no model "${modelId}" in the ${this.table.environment} routing table (${Object.keys(this.table.models).join(', ')})`,
      );
    const sim = this.backendSims()[model.hosting];
    for (const t of model.targets)
      if (region === undefined || t.region === region)
        sim.set(t.id, { ...sim.behaviourOf(t.id, t.region), ...behaviour }, region);
  }

  /** The simulator of each router backend (the routing table's hosting value). */
  private backendSims(): Readonly<Record<TableModel['hosting'], HttpSim>> {
    return { bedrock: this.bedrock, sagemaker: this.sagemaker };
  }

  async stop(): Promise<void> {
    await Promise.all([this.bedrock.close(), this.sagemaker.close(), this.appconfig.close(), this.dynamo.close()]);
  }
}
