import { Harness, call, converse, testTable, userText } from './harness';

const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

const ask = userText('Is this spam?');

describe('routing table from the AppConfig extension', () => {
  it('serves the baked copy when AppConfig cannot be reached at a cold start', async () => {
    h.appconfig.down = true;
    const baked = testTable();
    baked.catalogVersion = 'baked-1';
    const res = await call(await h.router({ baked }), converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-catalog-version']).toBe('baked-1');
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'routing table: serving the baked copy' }));
  });

  it('fails with 503 routing_table_unavailable when AppConfig is down and there is no baked copy', async () => {
    h.appconfig.down = true;
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('routing_table_unavailable');
  });

  it('keeps the last good table when AppConfig goes down later', async () => {
    const router = await h.router({ baked: { ...testTable(), catalogVersion: 'baked-1' } });
    expect((await call(router, converse('classify', ask))).headers['x-fm-catalog-version']).toBe(testTable().catalogVersion);
    h.appconfig.down = true;
    const res = await call(router, converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-catalog-version']).toBe(testTable().catalogVersion);
  });

  it('picks up a new routing table without a restart', async () => {
    const router = await h.router();
    expect((await call(router, converse('classify', ask))).body.routing?.model).toBe('claude-3-haiku');
    const next = testTable();
    next.catalogVersion = 'next';
    next.routes.classify.target = 'nova-micro';
    h.setTable(next);
    const res = await call(router, converse('classify', ask));
    expect(res.body.routing).toMatchObject({ model: 'nova-micro', catalogVersion: 'next' });
  });

  it('ignores and logs an invalid new table, keeping the last good one', async () => {
    const router = await h.router();
    await call(router, converse('classify', ask));
    const bad = testTable() as unknown as Record<string, unknown>;
    bad.schemaVersion = 2;
    h.setTable(bad);
    const res = await call(router, converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-catalog-version']).toBe(testTable().catalogVersion);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'routing table: invalid; ignored', errors: ['/schemaVersion must be equal to one of the allowed values'] }));
    h.setTable('{not json');
    expect((await call(router, converse('classify', ask))).status).toBe(200);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'routing table: not JSON; ignored' }));
  });

  it('reads the extension at most once per poll interval', async () => {
    const router = await h.router({ pollSeconds: 3600 });
    const before = h.appconfig.requests;
    for (let i = 0; i < 5; i++) await call(router, converse('classify', ask));
    expect(h.appconfig.requests - before).toBe(1);
  });
});
