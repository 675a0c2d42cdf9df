import { Construct } from 'constructs';
import { AppconfigApplication } from '@cdktf/provider-aws/lib/appconfig-application';
import { AppconfigConfigurationProfile } from '@cdktf/provider-aws/lib/appconfig-configuration-profile';
import { AppconfigDeployment } from '@cdktf/provider-aws/lib/appconfig-deployment';
import { AppconfigDeploymentStrategy } from '@cdktf/provider-aws/lib/appconfig-deployment-strategy';
import { AppconfigEnvironment } from '@cdktf/provider-aws/lib/appconfig-environment';
import { AppconfigHostedConfigurationVersion } from '@cdktf/provider-aws/lib/appconfig-hosted-configuration-version';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { grantId, RolePolicy, serviceTrust, type GrantableRole } from '../iam/role-policy';
import { validateProps } from '../validation';
import { strategyParameters, type RolloutSettings } from './deployment-strategy';
import { ROUTING_CONFIG_RULES } from './validate';

export interface RoutingConfigProps {
  /** AppConfig application name (the extension URL uses names). */
  readonly applicationName: string;
  /** AppConfig environment name. */
  readonly environmentName: string;
  /** Configuration profile name. @default 'routing-table' */
  readonly profileName?: string;
  /** The hosted configuration: the routing table as JSON. */
  readonly contentJson: string;
  /** The JSON_SCHEMA validator's content: a draft-04 schema (AppConfig accepts no other draft). */
  readonly validatorSchemaJson: string;
  readonly rollout: RolloutSettings;
  /** CloudWatch alarms that roll a bad configuration back (at most 5). @default - no monitors */
  readonly alarmArns?: readonly string[];
  readonly account: string;
  readonly region: string;
}

/** The optional props' defaults. */
const DEFAULTS = {
  profileName: 'routing-table',
  alarmArns: [],
} as const;

/**
 * The routing table in AWS AppConfig: application, environment with alarm monitors, a freeform
 * hosted profile validated by the draft-04 schema, the version, its strategy and its deployment.
 */
export class RoutingConfig extends Construct {
  readonly applicationId: string;
  readonly environmentId: string;
  readonly profileId: string;
  readonly applicationName: string;
  readonly environmentName: string;
  readonly profileName: string;
  /** The ARN IAM knows the profile by (`application/<id>/environment/<id>/configuration/<id>`). */
  readonly configurationArn: string;

  constructor(scope: Construct, id: string, props: RoutingConfigProps) {
    super(scope, id);
    validateProps(this, 'RoutingConfig', props, ROUTING_CONFIG_RULES);
    this.applicationName = props.applicationName;
    this.environmentName = props.environmentName;
    this.profileName = props.profileName ?? DEFAULTS.profileName;

    const application = new AppconfigApplication(this, 'Resource', {
      name: props.applicationName,
      description: 'Model routing table of the fm-platform router',
    });

    const alarmArns = props.alarmArns ?? DEFAULTS.alarmArns;
    let monitor: { alarmArn: string; alarmRoleArn: string }[] | undefined;
    if (alarmArns.length) {
      const role = new IamRole(this, 'MonitorRole', {
        name: `${props.applicationName}-appconfig-alarms`,
        // Only AppConfig acting for this account may assume it (the confused-deputy guard):
        // https://docs.aws.amazon.com/appconfig/latest/userguide/getting-started-with-appconfig-cloudwatch-alarms-permissions.html
        assumeRolePolicy: serviceTrust(this, 'MonitorTrust', 'appconfig.amazonaws.com', [
          { test: 'StringEquals', variable: 'aws:SourceAccount', values: [props.account] },
        ]).json,
      });
      new RolePolicy(this, 'MonitorPolicy', {
        role,
        policyName: 'read-rollback-alarms',
        statements: [{ sid: 'RollbackAlarms', actions: ['cloudwatch:DescribeAlarms'], resources: [...alarmArns] }],
      });
      monitor = alarmArns.map((alarmArn) => ({ alarmArn, alarmRoleArn: role.arn }));
    }

    const environment = new AppconfigEnvironment(this, 'Environment', {
      applicationId: application.id,
      name: props.environmentName,
      monitor,
    });
    const profile = new AppconfigConfigurationProfile(this, 'Profile', {
      applicationId: application.id,
      name: this.profileName,
      locationUri: 'hosted',
      type: 'AWS.Freeform',
      validator: [{ type: 'JSON_SCHEMA', content: props.validatorSchemaJson }],
    });
    // A new table replaces the version (the provider has no in-place update, and 5.100.0 no
    // skip_destroy for it: terraform-provider-aws#20273). Create before destroy, so the new version
    // exists before the old one goes and the deployment to it starts while its predecessor, the
    // one AppConfig rolls back to, is still there; the old one is deleted at the end of the apply.
    // https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/resources/appconfig_hosted_configuration_version
    // https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#create_before_destroy
    const version = new AppconfigHostedConfigurationVersion(this, 'Version', {
      applicationId: application.id,
      configurationProfileId: profile.configurationProfileId,
      contentType: 'application/json',
      content: props.contentJson,
      lifecycle: { createBeforeDestroy: true },
    });
    const strategy = new AppconfigDeploymentStrategy(this, 'Strategy', {
      name: `${props.applicationName}-routing`,
      replicateTo: 'NONE',
      ...strategyParameters(props.rollout),
    });
    new AppconfigDeployment(this, 'Deployment', {
      applicationId: application.id,
      environmentId: environment.environmentId,
      configurationProfileId: profile.configurationProfileId,
      configurationVersion: version.versionNumber.toString(),
      deploymentStrategyId: strategy.id,
      description: 'routing table from the model catalog',
    });

    this.applicationId = application.id;
    this.environmentId = environment.environmentId;
    this.profileId = profile.configurationProfileId;
    this.configurationArn = `arn:aws:appconfig:${props.region}:${props.account}:application/${application.id}/environment/${environment.environmentId}/configuration/${profile.configurationProfileId}`;
  }

  /** What the AppConfig extension needs to read this one profile. */
  grantRead(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('Read', role), {
      role,
      policyName: 'routing-table-read',
      statements: [
        {
          sid: 'ReadRoutingTable',
          actions: ['appconfig:StartConfigurationSession', 'appconfig:GetLatestConfiguration'],
          resources: [this.configurationArn],
        },
      ],
    });
  }
}
