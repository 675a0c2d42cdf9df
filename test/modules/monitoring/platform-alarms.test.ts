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
});
