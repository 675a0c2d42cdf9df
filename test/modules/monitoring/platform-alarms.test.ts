import { Testing } from 'cdktf';
import { PlatformAlarms, type PlatformAlarmsProps } from '../../../modules/monitoring/platform-alarms';
import { parseSynth } from '../../stacks/synth-environment';

const props: PlatformAlarmsProps = {
  namePrefix: 'fm-test',
  environment: 'test',
  apiName: 'fm-test-api',
  stageName: 'v1',
  functionName: 'fm-test-router',
  p99LatencyMs: 20000,
};
const thresholds = (p: PlatformAlarmsProps): Record<string, unknown> => {
  const alarms = Object.values(
    parseSynth(Testing.synthScope((scope) => void new PlatformAlarms(scope, 'Alarms', p))).resource
      .aws_cloudwatch_metric_alarm,
  );
  return Object.fromEntries(alarms.map((a): [string, unknown] => [String(a.alarm_name), a.threshold]));
};

describe('PlatformAlarms', () => {
  it('alarms at a 5 percent 5xx rate and a 20 percent fallback rate unless told otherwise', () => {
    expect(thresholds(props)).toMatchObject({
      'fm-test-api-5xx-rate': 0.05,
      'fm-test-fallback-rate': 20,
      'fm-test-api-latency-p99': 20000,
    });
    expect(thresholds({ ...props, api5xxRatePercent: 2, fallbackRatePercent: 50 })).toMatchObject({
      'fm-test-api-5xx-rate': 0.02,
      'fm-test-fallback-rate': 50,
    });
  });

  it("counts the streaming twin's Lambda errors and throttles in the router's alarms (one alarm each)", () => {
    const alarms = (p: PlatformAlarmsProps): Record<string, unknown>[] =>
      Object.values(
        parseSynth(Testing.synthScope((scope) => void new PlatformAlarms(scope, 'Alarms', p))).resource
          .aws_cloudwatch_metric_alarm,
      );
    const named = (p: PlatformAlarmsProps, name: string) => alarms(p).find((a) => a.alarm_name === name);
    // The router alone: a plain metric.
    expect(named(props, 'fm-test-router-errors')).toMatchObject({
      namespace: 'AWS/Lambda',
      metric_name: 'Errors',
      dimensions: { FunctionName: 'fm-test-router' },
    });
    const both = { ...props, streamingFunctionName: 'fm-test-router-stream' };
    expect(alarms(both)).toHaveLength(alarms(props).length);
    for (const [name, metric] of [
      ['fm-test-router-errors', 'Errors'],
      ['fm-test-router-throttles', 'Throttles'],
    ] as const) {
      const alarm = named(both, name) as { metric_query: Record<string, unknown>[]; namespace?: string };
      expect(alarm.namespace).toBeUndefined();
      expect(alarm.metric_query).toEqual([
        expect.objectContaining({
          id: 'f0',
          metric: expect.objectContaining({ metric_name: metric, dimensions: { FunctionName: 'fm-test-router' } }),
        }),
        expect.objectContaining({
          id: 'f1',
          metric: expect.objectContaining({
            metric_name: metric,
            dimensions: { FunctionName: 'fm-test-router-stream' },
          }),
        }),
        expect.objectContaining({ id: 'total', expression: 'f0 + f1', return_data: true }),
      ]);
    }
  });
});
