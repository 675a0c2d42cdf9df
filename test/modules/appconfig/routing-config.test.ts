import { TerraformStack, Testing } from 'cdktf';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { projectRoot } from '../../../catalog/paths';
import { LOCK_FILE, offlineOverrides, prepareTerraform } from '../../../cli/plan';
import { RoutingConfig, type RoutingConfigProps } from '../../../modules/appconfig/routing-config';
import { strategyParameters } from '../../../modules/appconfig/deployment-strategy';
import { parseSynth, planFor, resourcesOf, synthEnvironment } from '../../stacks/synth-environment';
import { tempDir } from '../../support/temp-dir';

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

  it('hosts the environment routing table as the configuration version, with its application profiles', () => {
    const plan = planFor('prod');
    const version = resourcesOf(synthEnvironment('prod'), 'aws_appconfig_hosted_configuration_version')[0] as {
      content: string;
      content_type: string;
    };
    expect(version.content_type).toBe('application/json');
    const hosted = JSON.parse(version.content) as typeof plan.routingTable;
    // The plan's table, and each route's application inference profiles (test/stacks/application-profiles.test.ts).
    for (const route of Object.values(hosted.routes)) delete route.applicationProfiles;
    expect(hosted).toEqual(JSON.parse(JSON.stringify(plan.routingTable)));
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

  it('rolls a bad configuration back on the server-error rate, API 5xx rate, router error, fallback-rate and rejected-table alarms', () => {
    const env = resourcesOf(synthEnvironment('prod'), 'aws_appconfig_environment')[0] as {
      monitor: { alarm_arn: string; alarm_role_arn: string }[];
    };
    expect(env.monitor.map((m) => m.alarm_arn)).toEqual(
      ['RouterServerErrorRate', 'Api5xxRate', 'RouterErrors', 'FallbackRate', 'RoutingTableRejected'].map(
        (id): unknown =>
          expect.stringMatching(new RegExp(`^\\$\\{aws_cloudwatch_metric_alarm\\.Alarms_${id}_[0-9A-F]+\\.arn\\}$`)),
      ),
    );
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

describe('RoutingConfig under Terraform', () => {
  // Terraform itself decides the order of a replacement: plan a new table against a state that holds
  // the old version (offline, as npm run plan does) and read the planned actions.
  it('plans a new table as create-then-delete of the configuration version, never delete-then-create', () => {
    const dir = tempDir('fm-routing-replace-');
    const app = Testing.app();
    const stack = new TerraformStack(app, 'routing');
    new AwsProvider(stack, 'aws', { region: 'us-east-1' });
    new RoutingConfig(stack, 'Routing', { ...props, contentJson: '{"schemaVersion":1,"catalogVersion":"2"}' });
    const json = JSON.parse(Testing.synth(stack)) as { resource: Record<string, Record<string, unknown>> };
    const [name] = Object.keys(json.resource.aws_appconfig_hosted_configuration_version);
    writeFileSync(join(dir, 'cdk.tf.json'), JSON.stringify(json));
    for (const [file, content] of Object.entries(offlineOverrides()))
      writeFileSync(join(dir, file), JSON.stringify(content));
    // The version the last apply created, with the previous table.
    writeFileSync(
      join(dir, 'terraform.tfstate'),
      JSON.stringify({
        version: 4,
        terraform_version: '1.11.0',
        serial: 1,
        lineage: 'fm-routing-replace',
        outputs: {},
        resources: [
          {
            mode: 'managed',
            type: 'aws_appconfig_hosted_configuration_version',
            name,
            provider: 'provider["registry.terraform.io/hashicorp/aws"]',
            instances: [
              {
                schema_version: 0,
                attributes: {
                  id: 'app1/prof1/1',
                  application_id: 'app1',
                  configuration_profile_id: 'prof1',
                  arn: 'arn:aws:appconfig:us-east-1:111111111111:application/app1/configurationprofile/prof1/hostedconfigurationversion/1',
                  content: '{"schemaVersion":1,"catalogVersion":"1"}',
                  content_type: 'application/json',
                  description: null,
                  version_number: 1,
                },
                sensitive_attributes: [[{ type: 'get_attr', value: 'content' }]],
              },
            ],
          },
        ],
      }),
    );
    // The provider as `npm run plan` installs it: the local mirror, else the registry, checked against the lock file.
    copyFileSync(LOCK_FILE, join(dir, '.terraform.lock.hcl'));
    const { env } = prepareTerraform(dir, join(projectRoot, '.plan', 'plugin-cache'));
    const tf = (...args: string[]) => {
      const r = spawnSync('terraform', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (r.status !== 0) throw new Error(`terraform ${args.join(' ')}: ${r.stderr || r.stdout}`);
      return r.stdout;
    };
    tf('init', '-input=false', '-no-color', '-lockfile=readonly');
    tf('plan', '-refresh=false', '-input=false', '-lock=false', '-no-color', '-out=tfplan');
    const plan = JSON.parse(tf('show', '-json', 'tfplan')) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    const version = plan.resource_changes.find(
      (c) => c.address === `aws_appconfig_hosted_configuration_version.${name}`,
    );
    expect(version?.change.actions).toEqual(['create', 'delete']);
  }, 120_000);
});
