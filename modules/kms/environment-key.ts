import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { grantId, RolePolicy, type GrantableRole } from '../iam/role-policy';
import { validateProps } from '../validation';
import { ENVIRONMENT_KEY_RULES } from './validate';

export interface EnvironmentKeyProps {
  /** The environment name: the alias is `alias/fm-<environment>`. */
  readonly environment: string;
  readonly account: string;
  readonly region: string;
  /** Days between a key's scheduled deletion and its deletion (7 to 30). @default 30 */
  readonly deletionWindowDays?: number;
}

/** The optional props' defaults. */
const DEFAULTS = {
  /** The longest window KMS allows: time to notice and cancel a deletion. */
  deletionWindowDays: 30,
} as const;

/**
 * The environment's customer managed key: logs, the circuit table, the router's environment
 * variables and SageMaker volumes (where the instance type allows it). Rotated yearly.
 */
export class EnvironmentKey extends Construct {
  readonly keyArn: string;
  readonly keyId: string;
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    validateProps(this, 'EnvironmentKey', props, ENVIRONMENT_KEY_RULES);
    const { account, region } = props;
    const policy = new DataAwsIamPolicyDocument(this, 'Policy', {
      statement: [
        {
          // The account root administers the key; IAM policies then grant its use (the grant methods).
          sid: 'AccountAdministers',
          effect: 'Allow',
          principals: [{ type: 'AWS', identifiers: [`arn:aws:iam::${account}:root`] }],
          actions: ['kms:*'],
          resources: ['*'],
        },
        {
          sid: 'CloudWatchLogsUse',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          condition: [
            {
              test: 'ArnLike',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              values: [`arn:aws:logs:${region}:${account}:log-group:*`],
            },
          ],
        },
      ],
    });
    const key = new KmsKey(this, 'Resource', {
      description: `fm-platform ${props.environment}: logs, circuit state, router environment, model volumes`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? DEFAULTS.deletionWindowDays,
      policy: policy.json,
    });
    this.aliasName = `alias/fm-${props.environment}`;
    new KmsAlias(this, 'Alias', { name: this.aliasName, targetKeyId: key.keyId });
    this.keyArn = key.arn;
    this.keyId = key.keyId;
  }

  /** Lets the role decrypt with the key (the router's encrypted environment variables). */
  grantDecrypt(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('Decrypt', role), {
      role,
      policyName: 'environment-key-decrypt',
      statements: [{ sid: 'DecryptWithEnvironmentKey', actions: ['kms:Decrypt'], resources: [this.keyArn] }],
    });
  }
}
