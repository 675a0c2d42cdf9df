import { CONSUMER_CONTEXT_KEY, LOCAL_CONSUMER_HEADER } from '../../../contracts/consumer';
import type { RoutingTable } from '../../../contracts/routing-table';
import { routingTableWithProfiles } from '../../../catalog/routing-table';
import { loadProject } from '../../../catalog';
import type { Handler } from '../../../functions/router/app';
import type { APIGatewayProxyEventLike } from '../../../functions/router/http-types';
import { Harness, TARGET, call, converse, testTable, userText } from './harness';

const h = new Harness();
let router: Handler;

/** Prod's profiles, each with a made-up ARN of the form Bedrock generates, as Terraform writes them into AppConfig's copy. */
const plan = loadProject({ only: ['prod'] }).plans[0];
const arnOf = new Map(
  plan.applicationProfiles.map((p, i) => [
    p,
    `arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/${`p${i}`.padEnd(12, '0')}`,
  ]),
);
const arn = (route: string, model: string, consumer?: string): string => {
  const found = [...arnOf].find(([p]) => p.route === route && p.model === model && p.consumer === consumer);
  if (found === undefined) throw new Error(`no profile ${route}/${model}/${consumer ?? ''}`);
  return found[1];
};
const withProfiles = (): RoutingTable =>
  routingTableWithProfiles(testTable(), plan.applicationProfiles, (p) => arnOf.get(p) ?? '');

/** A converse request of a consumer, as API Gateway passes the key authorizer's context. */
function asConsumer(event: APIGatewayProxyEventLike, consumer: string): APIGatewayProxyEventLike {
  return { ...event, requestContext: { ...event.requestContext, authorizer: { [CONSUMER_CONTEXT_KEY]: consumer } } };
}

beforeAll(async () => {
  await h.start();
  for (const [p, a] of arnOf) h.bedrock.defineApplicationProfile(a, p.copyFrom);
  router = await h.router({ pollSeconds: 3600 });
});
afterAll(() => h.stop());
beforeEach(() => {
  h.reset();
  h.setTable(withProfiles());
});

describe('the router calls the application inference profiles of the routing table', () => {
  it("sends the consumer's own profile ARN as the model id, through the real SDK client", async () => {
    const res = await call(router, asConsumer(converse('classify', userText('Is this spam?')), 'web-app'));
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('claude-haiku-4-5');
    expect(h.bedrockCalls()).toEqual([`${arn('classify', 'claude-haiku-4-5', 'web-app')}@us-east-1 200`]);
    expect(h.bedrock.copiedFrom(arn('classify', 'claude-haiku-4-5', 'web-app'))).toBe(
      `arn:aws:bedrock:us-east-1:333333333333:inference-profile/${TARGET.haiku}`,
    );
  });

  it("sends the route's own profile for a caller with no consumer, or one without a profile of its own", async () => {
    await call(router, converse('classify', userText('Is this spam?')));
    await call(router, asConsumer(converse('classify', userText('Is this spam?')), 'a-team-with-no-profile'));
    expect(h.bedrockCalls()).toEqual([
      `${arn('classify', 'claude-haiku-4-5')}@us-east-1 200`,
      `${arn('classify', 'claude-haiku-4-5')}@us-east-1 200`,
    ]);
  });

  it('keeps the profile of the route it serves: the same model on another route is another profile', async () => {
    await call(router, asConsumer(converse('chat', userText('Hello', { taskType: 'classification' })), 'support-desk'));
    const [first] = h.bedrockCalls();
    expect(first).toMatch(/application-inference-profile/);
    expect([...arnOf].find(([, a]) => first.startsWith(a))?.[0]).toMatchObject({
      route: 'chat',
      consumer: 'support-desk',
    });
  });

  it('fails over to the system profile of a failover Region, which has no application profile', async () => {
    h.bedrock.set(arn('classify', 'claude-haiku-4-5', 'web-app'), {
      failRate: 1,
      errorType: 'ServiceUnavailableException',
    });
    const res = await call(router, asConsumer(converse('classify', userText('Is this spam?')), 'web-app'));
    expect(res.status).toBe(200);
    expect(res.body.routing?.attempts.map((a) => [a.model, a.region, a.errorKind ?? 'ok'])).toEqual([
      ['claude-haiku-4-5', 'us-east-1', 'unavailable'],
      ['claude-haiku-4-5', 'us-east-1', 'unavailable'],
      ['claude-haiku-4-5', 'us-west-2', 'ok'],
    ]);
    expect(h.bedrockCalls().at(-1)).toBe(`${TARGET.haiku}@us-west-2 200`);
  });

  it('calls the system profiles from the baked table when AppConfig cannot be reached at a cold start', async () => {
    h.appconfig.down = true;
    const cold = await h.router({ baked: testTable() });
    const res = await call(cold, asConsumer(converse('classify', userText('Is this spam?')), 'web-app'));
    expect(res.status).toBe(200);
    expect(h.bedrockCalls()).toEqual([`${TARGET.haiku}@us-east-1 200`]);
  });

  it("streams through the consumer's profile, the consumer named locally by the dev header", async () => {
    const gateway = await h.gateway();
    try {
      const res = await fetch(`${gateway.url}/v1/routes/classify/converse-stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [LOCAL_CONSUMER_HEADER]: 'batch-analytics' },
        body: JSON.stringify(userText('Is this spam?')),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    } finally {
      await gateway.close();
    }
    expect(h.bedrockCalls()).toEqual([`${arn('classify', 'claude-haiku-4-5', 'batch-analytics')}@us-east-1 200`]);
  });
});
