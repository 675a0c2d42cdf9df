import type { RoutingTable } from '../../../contracts/routing-table';
import type { Handler } from '../../../functions/router/app';
import { resourcesOf, synthEnvironment } from '../../stacks/synth-environment';
import { emfSums } from '../../support/emf';
import { Harness, call, converse, testTable, userText } from './harness';

interface MetricQuery {
  id: string;
  expression?: string;
  metric?: { namespace: string; metric_name: string; dimensions: Record<string, string>; stat: string };
}
interface Alarm {
  alarm_name: string;
  threshold: number;
  comparison_operator: string;
  metric_query?: MetricQuery[];
}

/** A synthesized alarm of the prod stack, by name. */
function prodAlarm(name: string): Alarm {
  const alarm = (resourcesOf(synthEnvironment('prod'), 'aws_cloudwatch_metric_alarm') as unknown as Alarm[]).find(
    (a) => a.alarm_name === name,
  );
  if (!alarm) throw new Error(`prod has no alarm ${name}`);
  return alarm;
}

/**
 * The value an alarm's metric math gives over the logged EMF documents: its inputs read exactly as
 * CloudWatch would (namespace, name, the alarm's dimension map, Sum), its one expression applied.
 */
function alarmValue(
  alarm: Alarm,
  lines: readonly Record<string, unknown>[],
): { inputs: Record<string, number>; value: number } {
  const sum = emfSums(lines);
  const inputs: Record<string, number> = {};
  for (const q of alarm.metric_query ?? []) {
    if (!q.metric) continue;
    if (q.metric.stat !== 'Sum') throw new Error(`${alarm.alarm_name}: ${q.id} is not a Sum`);
    inputs[q.id] = sum(q.metric.namespace, q.metric.metric_name, q.metric.dimensions);
  }
  const expression = (alarm.metric_query ?? []).find((q) => q.expression)?.expression ?? '';
  const m = /^IF\((\w+) > 0, 100 \* (\w+) \/ (\w+), 0\)$/.exec(expression);
  if (!m || m[1] !== m[3]) throw new Error(`${alarm.alarm_name}: an expression this test does not read: ${expression}`);
  const [, denominator, numerator] = m;
  return { inputs, value: inputs[denominator] > 0 ? (100 * inputs[numerator]) / inputs[denominator] : 0 };
}

/** The table with the code route sent to a model the router's role has no grant for (Bedrock answers AccessDenied). */
function ungrantedTable(): { table: RoutingTable; ids: string[] } {
  const table = testTable();
  const route = table.routes.code;
  const granted = table.models[route.target];
  const ungranted = (t: (typeof granted.targets)[number]) => ({
    ...t,
    id: `${t.id.replace(/-v\d+:\d+$/, '')}-ungranted-v1:0`,
  });
  const [first, ...rest] = granted.targets;
  const targets: typeof granted.targets = [ungranted(first), ...rest.map(ungranted)];
  table.models['code-ungranted'] = { ...granted, targets };
  table.routes.code = { ...route, target: 'code-ungranted', fallbacks: [], rules: [] };
  return { table, ids: targets.map((t) => t.id) };
}

const h = new Harness();
let router: Handler;
beforeAll(async () => {
  await h.start();
  // Reads the table on every request: a pushed table takes effect at once, as after the extension's poll.
  router = await h.router({ pollSeconds: 0 });
});
afterAll(() => h.stop());
beforeEach(() => h.reset());

describe('server-side failures in the metrics', () => {
  it('counts a pushed routing table whose target has no IAM grant in ServerErrors, by route and reason, and raises the alarm that rolls AppConfig back', async () => {
    const alarm = prodAlarm('fm-prod-router-server-error-rate');
    const requests = 8;

    for (let i = 0; i < requests; i++)
      expect((await call(router, converse('code', userText('fix this')))).status).toBe(200);
    const before = alarmValue(alarm, h.logs);
    expect(before).toEqual({ inputs: { errors: 0, requests }, value: 0 });

    const { table, ids } = ungrantedTable();
    for (const id of ids) h.bedrock.set(id, { failRate: 1, errorType: 'AccessDeniedException' });
    h.setTable(table);
    // A warm router polls in the background: the request that finds the poll due is served by the
    // table in use, and the pushed one takes effect from the next request on.
    expect((await call(router, converse('code', userText('fix this')))).status).toBe(200);
    h.logs = [];
    for (let i = 0; i < requests; i++) {
      const res = await call(router, converse('code', userText('fix this')));
      // A platform fault, answered as a 5xx response (which Lambda's Errors metric does not count).
      expect({ status: res.status, code: res.body.error?.code }).toEqual({
        status: 503,
        code: 'all_candidates_failed',
      });
    }
    expect(h.bedrock.calls.filter((c) => ids.includes(c.target)).every((c) => c.status === 403)).toBe(true);

    const after = alarmValue(alarm, h.logs);
    expect(after).toEqual({ inputs: { errors: requests, requests }, value: 100 });
    expect(alarm.comparison_operator).toBe('GreaterThanThreshold');
    expect(after.value).toBeGreaterThan(alarm.threshold);

    const sum = emfSums(h.logs);
    expect(sum('FmPlatform', 'ServerErrors', { Environment: 'prod', Route: 'code' })).toBe(requests);
    // By reason: the calls Bedrock refused, then (once the circuits opened on them) the requests that found none to call.
    const reason = (r: string) => sum('FmPlatform', 'ServerErrors', { Environment: 'prod', Route: 'code', Reason: r });
    expect(reason('all_candidates_failed:access-denied')).toBeGreaterThan(0);
    expect(reason('all_candidates_failed:access-denied') + reason('all_candidates_failed')).toBe(requests);
    // What the old monitors saw of it: no fallback answered, so the fallback rate stayed at zero.
    expect(alarmValue(prodAlarm('fm-prod-fallback-rate'), h.logs).value).toBe(0);
  });

  it('raises the routing-table-rejected alarm on a pushed table the router refuses, which no error rate sees', async () => {
    const alarm = prodAlarm('fm-prod-routing-table-rejected') as Alarm & {
      namespace: string;
      metric_name: string;
      dimensions: Record<string, string>;
      statistic: string;
    };
    const table = testTable();
    table.routes.classify.target = 'nova-mikro';
    h.setTable(table);
    // The router keeps the table it had: every request still succeeds, so the error-rate monitors stay quiet.
    for (let i = 0; i < 4; i++) expect((await call(router, converse('classify', userText('spam?')))).status).toBe(200);
    expect(alarmValue(prodAlarm('fm-prod-router-server-error-rate'), h.logs).value).toBe(0);
    const sum = emfSums(h.logs);
    expect(alarm.statistic).toBe('Sum');
    const rejected = sum(alarm.namespace, alarm.metric_name, alarm.dimensions);
    expect(rejected).toBeGreaterThanOrEqual(1);
    expect(alarm.comparison_operator).toBe('GreaterThanOrEqualToThreshold');
    expect(rejected).toBeGreaterThanOrEqual(alarm.threshold);
  });

  it("rolls the routing table out under the server-error rate and the API 5xx rate, within AppConfig's five monitors", () => {
    const stack = synthEnvironment('prod');
    const alarms = Object.entries(stack.resource.aws_cloudwatch_metric_alarm).map(([id, a]) => ({
      ref: `\${aws_cloudwatch_metric_alarm.${id}.arn}`,
      name: String(a.alarm_name),
    }));
    const environment = resourcesOf(stack, 'aws_appconfig_environment')[0] as { monitor: { alarm_arn: string }[] };
    const monitored = environment.monitor.map((m) => alarms.find((a) => a.ref === m.alarm_arn)?.name);
    expect(monitored).toEqual([
      'fm-prod-router-server-error-rate',
      'fm-prod-api-5xx-rate',
      'fm-prod-router-errors',
      'fm-prod-fallback-rate',
      'fm-prod-routing-table-rejected',
    ]);
    expect(monitored.length).toBeLessThanOrEqual(5);
  });
});
