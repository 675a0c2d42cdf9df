import { ROUTER_ENV } from '../../../contracts/router-env';
import { handler } from '../../../functions/router/index';
import { Harness, TARGET, call, converse, userText } from './harness';

const h = new Harness();
beforeAll(async () => {
  await h.start();
  await h.router();
  process.env[ROUTER_ENV.circuitTable] = h.lastCircuitTable;
});
afterAll(() => h.stop());

describe('index.handler', () => {
  it('serves a request with the configuration from the environment variables of the stack contract', async () => {
    const res = await call(handler, converse('code', userText('Write a function that adds two numbers.')));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ route: 'code', model: 'claude-sonnet-4' });
    expect(h.bedrockCalls()).toEqual([`${TARGET.sonnet}@us-east-1 200`]);
  });
});
