import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import type { TerraformProvider } from 'cdktf';
import type { PolicyStatement } from '../iam/role-policy';
import { validateProps } from '../validation';
import { SECURE_BUCKET_RULES } from './validate';

/** A bucket policy statement with its principal (the bucket's readers). */
export interface BucketPolicyStatement extends PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  /** AWS principals (account roots or `*`). */
  readonly principals: readonly string[];
}

export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * `aws:kms` (the account's AWS managed key aws/s3) or `AES256` (SSE-S3). A bucket read from other
   * accounts needs AES256 or a customer managed key: the AWS managed key's policy cannot grant them.
   * @default 'aws:kms'
   */
  readonly sseAlgorithm?: 'aws:kms' | 'AES256';
  /** Statements besides the TLS-only deny. @default [] */
  readonly statements?: readonly BucketPolicyStatement[];
  /** Keep the bucket when the stack is destroyed with objects in it. @default false (terraform refuses to destroy a non-empty bucket) */
  readonly forceDestroy?: boolean;
  /** The provider of the bucket's Region. @default - the stack's default provider */
  readonly provider?: TerraformProvider;
}

/** The optional props' defaults. */
const DEFAULTS = { sseAlgorithm: 'aws:kms', statements: [], forceDestroy: false } as const;

/**
 * An S3 bucket that is private and encrypted by default: versioned, server-side encrypted, every
 * public access blocked, ACLs off (bucket owner enforced), and a policy refusing requests without TLS.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html
 */
export class SecureBucket extends Construct {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** Its versioning: what replication waits for. */
  readonly versioning: S3BucketVersioningA;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    validateProps(this, 'SecureBucket', props, SECURE_BUCKET_RULES);
    const provider = props.provider;
    const bucket = new S3Bucket(this, 'Resource', {
      bucket: props.bucketName,
      forceDestroy: props.forceDestroy ?? DEFAULTS.forceDestroy,
      provider,
    });
    this.bucketName = props.bucketName;
    this.bucketArn = `arn:aws:s3:::${props.bucketName}`;
    this.versioning = new S3BucketVersioningA(this, 'Versioning', {
      bucket: bucket.id,
      versioningConfiguration: { status: 'Enabled' },
      provider,
    });
    const sseAlgorithm = props.sseAlgorithm ?? DEFAULTS.sseAlgorithm;
    new S3BucketServerSideEncryptionConfigurationA(this, 'Encryption', {
      bucket: bucket.id,
      // A bucket key cuts the KMS requests of SSE-KMS (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm }, bucketKeyEnabled: sseAlgorithm === 'aws:kms' }],
      provider,
    });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'PublicAccessBlock', {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      provider,
    });
    new S3BucketOwnershipControls(this, 'Ownership', {
      bucket: bucket.id,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
      provider,
    });
    const objects = `${this.bucketArn}/*`;
    const statements: BucketPolicyStatement[] = [
      {
        // https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html#transit
        sid: 'DenyWithoutTls',
        effect: 'Deny',
        principals: ['*'],
        actions: ['s3:*'],
        resources: [this.bucketArn, objects],
        conditions: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
      },
      ...(props.statements ?? DEFAULTS.statements),
    ];
    const policy = new DataAwsIamPolicyDocument(this, 'PolicyDocument', {
      statement: statements.map((s) => ({
        sid: s.sid,
        effect: s.effect,
        principals: [{ type: 'AWS', identifiers: [...s.principals] }],
        actions: [...s.actions].sort(),
        resources: [...s.resources].sort(),
        condition: s.conditions?.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })),
      })),
      provider,
    });
    // After the public access block: S3 judges a policy against the block in force.
    new S3BucketPolicy(this, 'Policy', {
      bucket: bucket.id,
      policy: policy.json,
      dependsOn: [publicAccess],
      provider,
    });
  }
}
