import { ROUTER_OPTIONAL_ENV } from '../../../contracts/router-env';
import { withDeployedTargets, type DeployedTargets, type RoutingTable } from '../../../contracts/routing-table';
import { CUSTOM_MODEL_ID, customModelPlan } from '../../support/bedrock-custom';
import { Harness, call, converse, testTable, userText } from './harness';

/*
 * A Bedrock custom model is called with Converse, its modelId the provisioned model ARN
 * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html). The real
 * router and the real Bedrock Runtime client call the loopback Bedrock Runtime, which knows the
 * provisioned models that exist, as Bedrock would, and not others.
 */
const ARN = 'arn:aws:bedrock:us-east-1:333333333333:provisioned-model/a1b2c3d4e5f6';
const CUSTOM_MODEL_ARN = 'arn:aws:bedrock:us-east-1:333333333333:custom-model/amazon.nova-lite-v1:0:300k/abcdefghijkl';
const TARGETS: DeployedTargets = { [CUSTOM_MODEL_ID]: [{ region: 'us-east-1', id: ARN }] };

/** prod's test table with the fixture custom model as the support target, its target as the plan resolves it (the throughput's name). */
function tableWithCustomModel(): RoutingTable {
  const table = testTable();
  table.models[CUSTOM_MODEL_ID] = customModelPlan().routingTable.models[CUSTOM_MODEL_ID];
  table.routes.support = {
    ...table.routes.support,
    target: CUSTOM_MODEL_ID,
    fallbacks: ['claude-haiku-4-5', 'nova-micro'],
  };
  return table;
}

const h = new Harness();
beforeAll(async () => {
  await h.start();
  h.bedrock.defineProvisionedModel(ARN, CUSTOM_MODEL_ARN);
});
afterAll(() => h.stop());
beforeEach(() => h.reset());

const ask = userText('Where is my invoice?');

describe('a Bedrock custom model through the router', () => {
  it('calls Converse with the provisioned model ARN the AppConfig table carries', async () => {
    h.setTable(withDeployedTargets(tableWithCustomModel(), TARGETS));
    const res = await call(await h.router(), converse('support', ask));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: CUSTOM_MODEL_ID, region: 'us-east-1' });
    expect(h.bedrockCalls()).toEqual([`${ARN}@us-east-1 200`]);
    expect(h.bedrock.servedBy(ARN)).toBe(CUSTOM_MODEL_ARN);
  });

  it('falls back, with an alert, when the provisioned model does not exist (a deleted throughput)', async () => {
    const gone = 'arn:aws:bedrock:us-east-1:333333333333:provisioned-model/zzzzzzzzzzzz';
    h.setTable(withDeployedTargets(tableWithCustomModel(), { [CUSTOM_MODEL_ID]: [{ region: 'us-east-1', id: gone }] }));
    const res = await call(await h.router(), converse('support', ask));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5' });
    expect(h.bedrockCalls()[0]).toBe(`${gone}@us-east-1 404`);
    expect(h.logs.some((l) => l.alert === true)).toBe(true);
  });

  it('serves the baked copy at a cold start without AppConfig with the ARN the stack handed it, not the name', async () => {
    h.appconfig.down = true;
    const router = await h.router({
      baked: tableWithCustomModel(),
      env: { [ROUTER_OPTIONAL_ENV.deployedTargets]: JSON.stringify(TARGETS) },
    });
    const res = await call(router, converse('support', ask));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: CUSTOM_MODEL_ID });
    expect(h.bedrockCalls()).toEqual([`${ARN}@us-east-1 200`]);
    expect(h.logs.some((l) => l.message === 'routing table: serving the baked copy')).toBe(true);
  });

  it('logs an alert and keeps the baked targets when the deployed targets are unreadable', async () => {
    h.appconfig.down = true;
    const router = await h.router({
      baked: withDeployedTargets(tableWithCustomModel(), TARGETS),
      env: { [ROUTER_OPTIONAL_ENV.deployedTargets]: '{"nova-lite-support-ft": "not a list"}' },
    });
    const res = await call(router, converse('support', ask));
    expect(res.status).toBe(200);
    expect(h.bedrockCalls()).toEqual([`${ARN}@us-east-1 200`]);
    expect(h.logs.find((l) => l.errorCode === 'deployed_targets_invalid')).toMatchObject({ alert: true });
  });
});
