import { AppConfigExtensionSim } from '../../sim/appconfig-extension';

const sim = new AppConfigExtensionSim();
let url: string;
beforeAll(async () => {
  url = await sim.listen();
});
afterAll(() => sim.close());

describe('AppConfigExtensionSim', () => {
  it('serves the document set for a configuration path', async () => {
    sim.setDocument({ a: 1 });
    const res = await fetch(`${url}/applications/app/environments/dev/configurations/routing`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: 1 });
  });

  it('fails with 404 for a path that is not a configuration', async () => {
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });

  it('fails to connect while down', async () => {
    sim.down = true;
    await expect(fetch(`${url}/applications/app/environments/dev/configurations/routing`)).rejects.toThrow();
    sim.down = false;
  });
});
