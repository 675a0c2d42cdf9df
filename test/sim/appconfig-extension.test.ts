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

  it('serves a document set for one configuration path only there, and 404 ResourceNotFoundException elsewhere', async () => {
    sim.clear();
    sim.setDocument({ b: 2 }, '/applications/app/environments/dev/configurations/routing');
    expect(await (await fetch(`${url}/applications/app/environments/dev/configurations/routing`)).json()).toEqual({
      b: 2,
    });
    const res = await fetch(`${url}/applications/app/environments/dev/configurations/routnig`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe(
      'ResourceNotFoundException: no configuration at /applications/app/environments/dev/configurations/routnig',
    );
    sim.clear();
    expect((await fetch(`${url}/applications/app/environments/dev/configurations/routing`)).status).toBe(404);
  });

  it.each([
    [502, 'BadGatewayException'],
    [500, 'InternalServerException'],
    [504, 'GatewayTimeoutException'],
  ])('answers every read with %i %s while told to fail with it', async (status, name) => {
    sim.setDocument({ a: 1 });
    sim.failWith = status;
    const res = await fetch(`${url}/applications/app/environments/dev/configurations/routing`);
    sim.failWith = undefined;
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(`${name}: simulated failure`);
  });

  it('holds every answer for delayMs', async () => {
    sim.setDocument({ a: 1 });
    sim.delayMs = 150;
    const started = performance.now();
    const res = await fetch(`${url}/applications/app/environments/dev/configurations/routing`);
    sim.delayMs = 0;
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails to connect while down', async () => {
    sim.down = true;
    await expect(fetch(`${url}/applications/app/environments/dev/configurations/routing`)).rejects.toThrow();
    sim.down = false;
  });
});
