import { Testing } from 'cdktf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Construct } from 'constructs';
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { RoutingConfig, type RoutingConfigProps } from '../../../modules/appconfig/routing-config';
import { parseSynth } from '../../stacks/synth-environment';
import { propsFailure, testStack } from '../../support/props';

const schema = readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'routing-table.schema.json'), 'utf8');
const props: RoutingConfigProps = {
  applicationName: 'fm-test',
  environmentName: 'test',
  contentJson: '{"schemaVersion":1}',
  validatorSchemaJson: schema,
  rollout: { type: 'linear', durationMinutes: 10, growthFactorPercent: 20, finalBakeMinutes: 5 },
  account: '111111111111',
  region: 'us-east-1',
};
const make = (change: Partial<RoutingConfigProps>) => () =>
  new RoutingConfig(testStack(), 'Routing', { ...props, ...change });
const rollout = (change: Partial<RoutingConfigProps['rollout']>) => ({ rollout: { ...props.rollout, ...change } });
const draft04 = (extra: string) => `{"$schema":"http://json-schema.org/draft-04/schema#","description":"${extra}"}`;

describe('RoutingConfig rules', () => {
  it.each<[string, Partial<RoutingConfigProps>, string]>([
    [
      'the validator schema is not draft-04',
      { validatorSchemaJson: '{"$schema":"https://json-schema.org/draft/2020-12/schema"}' },
      'validator schema must be json schema draft-04 (http://json-schema.org/draft-04/schema#), but https://json-schema.org/draft/2020-12/schema was provided',
    ],
    [
      'the validator schema is not json',
      { validatorSchemaJson: '{' },
      'validator schema must be json schema draft-04 (http://json-schema.org/draft-04/schema#), but not json was provided',
    ],
    [
      'the validator schema is over 32768 characters',
      { validatorSchemaJson: draft04('x'.repeat(32_768)) },
      `validator schema must be at most 32768 characters, but ${draft04('x'.repeat(32_768)).length} were provided`,
    ],
    [
      'more than 5 alarms roll it back',
      { alarmArns: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `arn:aws:cloudwatch:us-east-1:111111111111:alarm:${n}`) },
      'appconfig allows at most 5 alarm monitors, but 6 were provided',
    ],
    [
      'the growth factor is 0',
      rollout({ growthFactorPercent: 0 }),
      'growth factor must be 1 to 100 percent, but 0 was provided',
    ],
    [
      'the deployment lasts more than a day',
      rollout({ durationMinutes: 1441 }),
      'deployment duration must be 0 to 1440 minutes, but 1441 was provided',
    ],
    [
      'the final bake time is negative',
      rollout({ finalBakeMinutes: -1 }),
      'final bake time must be 0 to 1440 minutes, but -1 was provided',
    ],
  ])('fails if %s', (_, change, message) => {
    expect(propsFailure(make(change)).message).toBe(`RoutingConfig at stack/Routing: ${message}`);
  });

  it('counts alarm monitors whose arns are unresolved tokens, and passes the arns to Terraform untouched', () => {
    const alarms = (scope: Construct, n: number) =>
      Array.from(
        { length: n },
        (_, i) =>
          new CloudwatchMetricAlarm(scope, `Alarm${i}`, {
            alarmName: `a${i}`,
            comparisonOperator: 'GreaterThanThreshold',
            evaluationPeriods: 1,
          }).arn,
      );
    const json = parseSynth(
      Testing.synthScope(
        (scope) => void new RoutingConfig(scope, 'Routing', { ...props, alarmArns: alarms(scope, 2) }),
      ),
    );
    const env = Object.values(json.resource.aws_appconfig_environment)[0] as { monitor: { alarm_arn: string }[] };
    expect(env.monitor.map((m) => m.alarm_arn)).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_metric_alarm\.Alarm0\.arn\}$/),
      expect.stringMatching(/^\$\{aws_cloudwatch_metric_alarm\.Alarm1\.arn\}$/),
    ]);
    const stack = testStack();
    expect(
      propsFailure(() => new RoutingConfig(stack, 'Routing', { ...props, alarmArns: alarms(stack, 6) })).message,
    ).toBe('RoutingConfig at stack/Routing: appconfig allows at most 5 alarm monitors, but 6 were provided');
  });
});
