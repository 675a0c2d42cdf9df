import { Testing } from 'cdktf';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RoutingConfig, type RoutingConfigProps } from '../../../modules/appconfig/routing-config';
import { strategyParameters } from '../../../modules/appconfig/deployment-strategy';
import { parseSynth, planFor, resourcesOf, synthEnvironment } from '../../stacks/synth-environment';

const schema = readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'routing-table.schema.json'), 'utf8');
const props: RoutingConfigProps = {
  applicationName: 'fm-test',
  environmentName: 'test',
  contentJson: '{"schemaVersion":1}',
  validatorSchemaJson: schema,
  rollout: { type: 'all-at-once', durationMinutes: 0, growthFactorPercent: 100, finalBakeMinutes: 0 },
  alarmArns: ['arn:aws:cloudwatch:us-east-1:111111111111:alarm:a'],
  account: '111111111111',
  region: 'us-east-1',
};
const synth = (p: RoutingConfigProps) =>
  parseSynth(Testing.synthScope((scope) => void new RoutingConfig(scope, 'Routing', p)));

describe('RoutingConfig', () => {
  it('validates the freeform hosted profile with the draft-04 routing-table schema', () => {
    const profile = Object.values(synth(props).resource.aws_appconfig_configuration_profile)[0] as {
      type: string;
      location_uri: string;
      validator: { type: string; content: string }[];
    };
    expect(profile).toMatchObject({ type: 'AWS.Freeform', location_uri: 'hosted' });
    expect(profile.validator[0].type).toBe('JSON_SCHEMA');
    expect(JSON.parse(profile.validator[0].content).$schema).toBe('http://json-schema.org/draft-04/schema#');
  });

  it('hosts the environment routing table as the configuration version', () => {
    const plan = planFor('prod');
    const version = resourcesOf(synthEnvironment('prod'), 'aws_appconfig_hosted_configuration_version')[0] as {
      content: string;
      content_type: string;
    };
    expect(version.content_type).toBe('application/json');
    expect(JSON.parse(version.content)).toEqual(JSON.parse(JSON.stringify(plan.routingTable)));
  });

  it.each([
    [
      'dev',
      { growth_type: 'LINEAR', growth_factor: 100, deployment_duration_in_minutes: 0, final_bake_time_in_minutes: 0 },
    ],
    [
      'staging',
      { growth_type: 'LINEAR', growth_factor: 20, deployment_duration_in_minutes: 10, final_bake_time_in_minutes: 5 },
    ],
    [
      'prod',
      {
        growth_type: 'EXPONENTIAL',
        growth_factor: 10,
        deployment_duration_in_minutes: 20,
        final_bake_time_in_minutes: 10,
      },
    ],
  ])('rolls %s out with its own strategy', (env, expected) => {
    expect(resourcesOf(synthEnvironment(env), 'aws_appconfig_deployment_strategy')[0]).toMatchObject(expected);
  });

  it('creates a new configuration version before it deletes the one it replaces, so the deployment starts with its rollback target present', () => {
    const json = synth(props);
    const [versionId, version] = Object.entries(json.resource.aws_appconfig_hosted_configuration_version)[0];
    expect(version.lifecycle).toEqual({ create_before_destroy: true });
    // The deployment names the new version: Terraform replaces the deployment before it deletes the old version.
    const deployment = Object.values(json.resource.aws_appconfig_deployment)[0];
    expect(deployment.configuration_version).toBe(
      `\${aws_appconfig_hosted_configuration_version.${versionId}.version_number}`,
    );
  });

  it('rolls a bad configuration back on the router error and fallback-rate alarms', () => {
    const env = resourcesOf(synthEnvironment('prod'), 'aws_appconfig_environment')[0] as {
      monitor: { alarm_arn: string; alarm_role_arn: string }[];
    };
    expect(env.monitor.map((m) => m.alarm_arn)).toEqual([
      expect.stringMatching(/^\$\{aws_cloudwatch_metric_alarm\.Alarms_RouterErrors_[0-9A-F]+\.arn\}$/),
      expect.stringMatching(/^\$\{aws_cloudwatch_metric_alarm\.Alarms_FallbackRate_[0-9A-F]+\.arn\}$/),
    ]);
    expect(env.monitor[0].alarm_role_arn).toMatch(/aws_iam_role\.RoutingConfig_MonitorRole/);
  });

  it('maps all-at-once to 100 percent growth over no time', () => {
    expect(
      strategyParameters({ type: 'all-at-once', durationMinutes: 30, growthFactorPercent: 10, finalBakeMinutes: 3 }),
    ).toEqual({
      growthType: 'LINEAR',
      growthFactor: 100,
      deploymentDurationInMinutes: 0,
      finalBakeTimeInMinutes: 3,
    });
  });

  it('defaults to the routing-table profile and no alarm monitors (nor their role)', () => {
    const json = synth({ ...props, profileName: undefined, alarmArns: undefined });
    expect(Object.values(json.resource.aws_appconfig_configuration_profile)[0]).toMatchObject({
      name: 'routing-table',
    });
    expect(Object.values(json.resource.aws_appconfig_environment)[0].monitor).toBeUndefined();
    expect(json.resource.aws_iam_role).toBeUndefined();
  });

  it('fails if the validator schema is not draft-04', () => {
    expect(() =>
      synth({ ...props, validatorSchemaJson: '{"$schema":"https://json-schema.org/draft/2020-12/schema"}' }),
    ).toThrow(
      'validator schema must be json schema draft-04 (http://json-schema.org/draft-04/schema#), but https://json-schema.org/draft/2020-12/schema was provided',
    );
  });
});
