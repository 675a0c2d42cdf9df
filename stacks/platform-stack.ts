import { S3Backend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import type { EnvironmentPlan } from '../catalog';

export interface PlatformStackProps {
  /** The resolved environment: every resource of the stack derives from it. */
  readonly plan: EnvironmentPlan;
}

/** The whole platform of one environment. One instance per environment file, each with its own state. */
export class PlatformStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id);
    const { plan } = props;

    new AwsProvider(this, 'aws', {
      region: plan.region,
      allowedAccountIds: [plan.account],
      defaultTags: [{ tags: { ...plan.tags } }],
    });

    new S3Backend(this, {
      bucket: plan.stateBackend.bucket,
      key: plan.stateBackend.key,
      region: plan.stateBackend.region,
      encrypt: true,
    });
    // S3-native state locking (Terraform >= 1.10); cdktf 0.21's S3BackendConfig predates the option.
    this.addOverride('terraform.backend.s3.use_lockfile', true);
  }
}
