import { RoutingTableNotFoundError } from '../../../functions/router/errors';
import { RoutingTableSource } from '../../../functions/router/routing-table-source';
import { Harness, call, converse, testTable, userText } from './harness';

const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

const ask = userText('Is this spam?');
const MISNAMED = 'routing-tabel';
const notFoundAlerts = () => h.logs.filter((l) => l.alert === true && l.errorCode === 'routing_table_not_found');
const unreachableWarnings = () =>
  h.logs.filter((l) => l.level === 'warn' && l.errorCode === 'routing_table_unreachable');
const notFoundMetrics = () => h.logs.filter((l) => '_aws' in l && 'RoutingTableNotFound' in l);

describe('routing table from the AppConfig extension', () => {
  it('serves the baked copy when AppConfig cannot be reached at a cold start', async () => {
    h.appconfig.down = true;
    const baked = testTable();
    baked.catalogVersion = 'baked-1';
    const res = await call(await h.router({ baked }), converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-catalog-version']).toBe('baked-1');
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'routing table: serving the baked copy' }));
    expect(unreachableWarnings()).toEqual([
      expect.objectContaining({
        message: 'routing table: AppConfig extension unreachable; keeping the table in use',
        origin: 'none',
      }),
    ]);
    expect(notFoundAlerts()).toEqual([]);
    expect(notFoundMetrics()).toEqual([]);
  });

  it('fails with 503 routing_table_unavailable when AppConfig is down and there is no baked copy', async () => {
    h.appconfig.down = true;
    const res = await call(await h.router(), converse('classify', ask));
    expect(res.status).toBe(503);
    expect(res.body.error?.code).toBe('routing_table_unavailable');
  });

  it('keeps the last good table when AppConfig goes down later', async () => {
    const router = await h.router({ baked: { ...testTable(), catalogVersion: 'baked-1' } });
    expect((await call(router, converse('classify', ask))).headers['x-fm-catalog-version']).toBe(
      testTable().catalogVersion,
    );
    h.appconfig.down = true;
    const res = await call(router, converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-catalog-version']).toBe(testTable().catalogVersion);
  });

  it('picks up a new routing table without a restart', async () => {
    const router = await h.router();
    expect((await call(router, converse('classify', ask))).body.routing?.model).toBe('claude-haiku-4-5');
    const next = testTable();
    next.catalogVersion = 'next';
    next.routes.classify.target = 'nova-micro';
    h.setTable(next);
    // The request that finds the poll due is served by the table in use while the poll runs; the next by the new one.
    expect((await call(router, converse('classify', ask))).body.routing?.catalogVersion).toBe(
      testTable().catalogVersion,
    );
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
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        message: 'routing table: invalid; ignored',
        errors: ['/schemaVersion must be equal to one of the allowed values'],
      }),
    );
    h.setTable('{not json');
    expect((await call(router, converse('classify', ask))).status).toBe(200);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'routing table: not JSON; ignored' }));
  });

  const rejectedMetrics = () => h.logs.filter((l) => '_aws' in l && 'RoutingTableRejected' in l);
  const rejections = () => h.logs.filter((l) => l.errorCode === 'routing_table_rejected');

  it.each([
    [
      'a route target the table does not have',
      (t: ReturnType<typeof testTable>) => {
        t.routes.classify.target = 'nova-mikro';
      },
      /^\/routes\/classify\/target names the model "nova-mikro", which the table does not have \(it has /,
    ],
    [
      'a fallback the table does not have',
      (t: ReturnType<typeof testTable>) => {
        t.routes.classify.fallbacks = ['nova-mikro'];
      },
      /^\/routes\/classify\/fallbacks\/0 names the model "nova-mikro"/,
    ],
    [
      'a target named like an Object.prototype member',
      (t: ReturnType<typeof testTable>) => {
        t.routes.classify.target = 'toString';
      },
      /^\/routes\/classify\/target names the model "toString"/,
    ],
    [
      'a rule target named constructor',
      (t: ReturnType<typeof testTable>) => {
        t.routes.chat.rules[0].target = 'constructor';
      },
      /^\/routes\/chat\/rules\/0\/target names the model "constructor"/,
    ],
    [
      "another environment's table (dev pushed to the prod router)",
      (t: ReturnType<typeof testTable>) => {
        t.environment = 'dev';
      },
      /^\/environment is "dev", but this router serves "prod"$/,
    ],
  ])('refuses %s, keeps the last good table, logs and counts it', async (_what, edit, message) => {
    const router = await h.router();
    expect((await call(router, converse('classify', ask))).body.routing?.model).toBe('claude-haiku-4-5');
    const bad = testTable();
    bad.catalogVersion = 'bad';
    edit(bad);
    h.setTable(bad);
    for (let i = 0; i < 3; i++) {
      const res = await call(router, converse('classify', ask));
      expect(res.status).toBe(200);
      expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', catalogVersion: testTable().catalogVersion });
    }
    expect(rejections()[0]).toMatchObject({ message: 'routing table: invalid; ignored', kept: 'appconfig' });
    expect((rejections()[0].errors as string[])[0]).toMatch(message);
    expect(rejectedMetrics().length).toBeGreaterThanOrEqual(1);
  });

  it('refuses a dangling reference at a cold start and serves the baked copy', async () => {
    const bad = testTable();
    bad.routes.classify.target = 'toString';
    h.setTable(bad);
    const res = await call(
      await h.router({ baked: { ...testTable(), catalogVersion: 'baked-1' } }),
      converse('classify', ask),
    );
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', catalogVersion: 'baked-1' });
    expect(rejections()).toHaveLength(1);
  });

  it('reads the extension at most once per poll interval', async () => {
    const router = await h.router({ pollSeconds: 3600 });
    const before = h.appconfig.requests;
    for (let i = 0; i < 5; i++) await call(router, converse('classify', ask));
    expect(h.appconfig.requests - before).toBe(1);
  });

  it('alerts, counts and serves the baked copy when AppConfig answers 404 for a misnamed profile at a cold start', async () => {
    const baked = { ...testTable(), catalogVersion: 'baked-1' };
    const res = await call(await h.router({ baked, profile: MISNAMED }), converse('classify', ask));
    expect(res.status).toBe(200);
    expect(res.headers['x-fm-catalog-version']).toBe('baked-1');
    expect(notFoundAlerts()).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'ALERT routing table: AppConfig has no such configuration; keeping the table in use',
        url: `${h.appconfig.url}/applications/fm-platform/environments/prod/configurations/${MISNAMED}`,
        error: `the AppConfig extension answered 404: ResourceNotFoundException: no configuration at /applications/fm-platform/environments/prod/configurations/${MISNAMED}`,
        origin: 'none',
      }),
    ]);
    expect(notFoundMetrics()).toEqual([
      expect.objectContaining({
        _aws: expect.objectContaining({
          CloudWatchMetrics: [
            {
              Namespace: 'FmPlatform',
              Dimensions: [['Environment']],
              Metrics: [{ Name: 'RoutingTableNotFound', Unit: 'Count' }],
            },
          ],
        }) as unknown,
        Environment: 'prod',
        RoutingTableNotFound: 1,
      }),
    ]);
    expect(notFoundMetrics()[0]).not.toHaveProperty('Route');
    expect(unreachableWarnings()).toEqual([]);
  });

  it('fails with 503 routing_table_unavailable, saying AppConfig has no such configuration, when it answers 404 and there is no baked copy', async () => {
    const res = await call(await h.router({ profile: MISNAMED }), converse('classify', ask));
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({
      code: 'routing_table_unavailable',
      message: 'no routing table: AppConfig has no such configuration and there is no baked copy',
    });
    expect(notFoundAlerts()).toHaveLength(1);
  });

  it('keeps the last good table, with an alert on every read, when the configuration disappears later', async () => {
    const router = await h.router({ baked: { ...testTable(), catalogVersion: 'baked-1' } });
    expect((await call(router, converse('classify', ask))).headers['x-fm-catalog-version']).toBe(
      testTable().catalogVersion,
    );
    h.appconfig.clear();
    for (let i = 0; i < 2; i++) {
      const res = await call(router, converse('classify', ask));
      expect(res.status).toBe(200);
      expect(res.headers['x-fm-catalog-version']).toBe(testTable().catalogVersion);
    }
    expect(notFoundAlerts()).toEqual([
      expect.objectContaining({ origin: 'appconfig' }),
      expect.objectContaining({ origin: 'appconfig' }),
    ]);
    expect(notFoundMetrics()).toHaveLength(2);
  });

  it.each([502, 500, 504])(
    'treats a %i from the extension as unreachable: a warning, no alert, the baked copy',
    async (status) => {
      h.appconfig.failWith = status;
      const res = await call(
        await h.router({ baked: { ...testTable(), catalogVersion: 'baked-1' } }),
        converse('classify', ask),
      );
      expect(res.status).toBe(200);
      expect(res.headers['x-fm-catalog-version']).toBe('baked-1');
      expect(unreachableWarnings()).toEqual([
        expect.objectContaining({
          status,
          error: expect.stringContaining(`the AppConfig extension answered ${status}:`) as unknown,
        }),
      ]);
      expect(notFoundAlerts()).toEqual([]);
      expect(notFoundMetrics()).toEqual([]);
    },
  );
});

describe('RoutingTableSource', () => {
  const source = (
    options: { profile?: string; timeoutMs?: number; onNotFound?: (e: RoutingTableNotFoundError) => void } = {},
  ) =>
    new RoutingTableSource({
      url: `${h.appconfig.url}/applications/fm-platform/environments/prod/configurations/${options.profile ?? 'routing-table'}`,
      pollIntervalMs: 0,
      bakedPath: '/nonexistent/routing-table.json',
      timeoutMs: options.timeoutMs,
      onNotFound: options.onNotFound,
    });

  it('reads the table from the extension and says it came from AppConfig', async () => {
    const tables = source();
    expect((await tables.get()).catalogVersion).toBe(testTable().catalogVersion);
    expect(tables.origin()).toBe('appconfig');
  });

  it('hands every 404 to onNotFound as a RoutingTableNotFoundError naming the URL', async () => {
    const seen: RoutingTableNotFoundError[] = [];
    const tables = source({ profile: MISNAMED, onNotFound: (e) => seen.push(e) });
    const err = (await tables.get().catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ name: 'RoutingTableUnavailableError', cause: seen[0] });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(RoutingTableNotFoundError);
    expect(seen[0].url).toBe(
      `${h.appconfig.url}/applications/fm-platform/environments/prod/configurations/${MISNAMED}`,
    );
    expect(tables.origin()).toBeUndefined();
  });

  it('gives up on an extension that does not answer within the timeout, as unreachable', async () => {
    h.appconfig.delayMs = 500;
    const seen: RoutingTableNotFoundError[] = [];
    const err = (await source({ timeoutMs: 50, onNotFound: (e) => seen.push(e) })
      .get()
      .catch((e: unknown) => e)) as Error;
    expect(err.message).toBe('no routing table: AppConfig cannot be reached and there is no baked copy');
    expect(err.cause).toMatchObject({
      name: 'RoutingTableUnreachableError',
      code: 'routing_table_unreachable',
      message: 'the AppConfig extension could not be read: no answer within 50 ms',
    });
    expect(unreachableWarnings()).toEqual([
      expect.objectContaining({ error: 'the AppConfig extension could not be read: no answer within 50 ms' }),
    ]);
    expect(seen).toEqual([]);
  });

  it('recovers from a 404 once the configuration exists, without an alert', async () => {
    h.appconfig.clear();
    const tables = source();
    await expect(tables.get()).rejects.toThrow('AppConfig has no such configuration');
    h.setTable(testTable());
    expect((await tables.get()).catalogVersion).toBe(testTable().catalogVersion);
    expect(notFoundAlerts()).toHaveLength(1);
  });

  it('never holds a warm request up for the poll: a hanging extension is asked in the background', async () => {
    const tables = source();
    expect((await tables.get()).catalogVersion).toBe(testTable().catalogVersion);
    h.appconfig.delayMs = 1500;
    const before = h.appconfig.requests;
    let answered = false;
    const got = tables.get().then((t) => ((answered = true), t));
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(true);
    expect((await got).catalogVersion).toBe(testTable().catalogVersion);
    expect(h.appconfig.requests).toBe(before + 1);
    // A second request while the poll is still under way starts no second read.
    await tables.get();
    expect(h.appconfig.requests).toBe(before + 1);
    await tables.refreshed();
  });
});
