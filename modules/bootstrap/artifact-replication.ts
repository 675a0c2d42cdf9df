import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { RolePolicy, serviceTrust } from '../iam/role-policy';
import { SecureBucket, type BucketPolicyStatement } from './secure-bucket';

export interface ArtifactReplicationProps {
  /** The source bucket (versioned: SecureBucket always is). */
  readonly source: SecureBucket;
  /** One replica per Region: its name, the provider of its Region, and its bucket policy. */
  readonly replicas: readonly {
    readonly region: string;
    readonly bucketName: string;
    readonly provider?: TerraformProvider;
    readonly statements: readonly BucketPolicyStatement[];
  }[];
  /** The replication role's name (IAM is global: one per account). */
  readonly roleName: string;
}

/**
 * S3 Cross-Region Replication of the model-artifacts bucket into the DR Regions: SageMaker reads model
 * data only from a bucket in the endpoint's own Region
 * (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ContainerDefinition.html), so a DR
 * endpoint reads a replica. Both buckets are versioned (replication requires it,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html); the role may
 * read the source's versions and write replicas only
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html).
 * Replication copies objects written after it is enabled: weights already in the bucket need one S3
 * Batch Replication job (or a copy) before the DR endpoint is created.
 */
export class ArtifactReplication extends Construct {
  readonly replicaBucketNames: readonly string[];
  readonly roleArn: string;

  constructor(scope: Construct, id: string, props: ArtifactReplicationProps) {
    super(scope, id);
    const replicas = props.replicas.map(
      (r) =>
        new SecureBucket(this, `Replica-${r.region}`, {
          bucketName: r.bucketName,
          // As the source: SSE-S3, so replication needs no KMS grants in either Region.
          sseAlgorithm: 'AES256',
          statements: r.statements,
          provider: r.provider,
        }),
    );
    const role = new IamRole(this, 'Role', {
      name: props.roleName,
      assumeRolePolicy: serviceTrust(this, 'Trust', 's3.amazonaws.com').json,
    });
    const policy = new RolePolicy(this, 'Policy', {
      role,
      policyName: 'replicate-model-artifacts',
      statements: [
        {
          sid: 'ReadSourceConfiguration',
          actions: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
          resources: [props.source.bucketArn],
        },
        {
          sid: 'ReadSourceVersions',
          actions: ['s3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging'],
          resources: [`${props.source.bucketArn}/*`],
        },
        {
          sid: 'WriteReplicas',
          actions: ['s3:ReplicateObject', 's3:ReplicateDelete', 's3:ReplicateTags'],
          resources: replicas.map((b) => `${b.bucketArn}/*`),
        },
      ],
    });
    new S3BucketReplicationConfigurationA(this, 'Resource', {
      bucket: props.source.bucketName,
      role: role.arn,
      rule: replicas.map((b, i) => ({
        id: `to-${props.replicas[i].region}`,
        priority: i,
        status: 'Enabled',
        // With a filter (the V2 schema, needed for several destinations) delete_marker_replication is required.
        filter: { prefix: '' },
        deleteMarkerReplication: { status: 'Enabled' },
        destination: { bucket: b.bucketArn, storageClass: 'STANDARD' },
      })),
      // Versioning on both sides first, or S3 refuses the configuration.
      dependsOn: [props.source.versioning, ...replicas.map((b) => b.versioning), policy.resource],
    });
    this.replicaBucketNames = replicas.map((b) => b.bucketName);
    this.roleArn = role.arn;
  }
}
