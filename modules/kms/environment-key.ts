import { Lazy } from 'cdktf';
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
  private readonly logGroupNames: string[] = [];
  private readonly account: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    validateProps(this, 'EnvironmentKey', props, ENVIRONMENT_KEY_RULES);
    const { account, region } = props;
    this.account = account;
    this.region = region;
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
          // CloudWatch Logs may use the key for the platform's own log groups only, each named: the
          // encryption context of a log group's data is its ARN
          // (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
          sid: 'CloudWatchLogsUse',
          effect: 'Allow',
          principals: [{ type: 'Service', identifiers: [`logs.${region}.amazonaws.com`] }],
          actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
          resources: ['*'],
          condition: [
            {
              test: 'ArnEquals',
              variable: 'kms:EncryptionContext:aws:logs:arn',
              // Filled by allowLogGroups, at synthesis: the stack names every group once its constructs exist.
              values: Lazy.listValue({ produce: () => this.logGroupArns() }),
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

  /**
   * Lets CloudWatch Logs encrypt these log groups with the key. Names as written (never a group's
   * own attribute, which would make the key wait for the group that waits for the key).
   */
  allowLogGroups(names: readonly string[]): void {
    this.logGroupNames.push(...names);
  }

  private logGroupArns(): string[] {
    if (this.logGroupNames.length === 0)
      throw new Error(`${this.node.path}: no log group may use the key; the stack must call allowLogGroups`);
    return [...new Set(this.logGroupNames)].map((n) => `arn:aws:logs:${this.region}:${this.account}:log-group:${n}`);
  }

  /**
   * Lets the role decrypt with the key through Lambda only: the router's environment variables,
   * which Lambda decrypts at start-up
   * (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service;
   * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html).
   */
  grantDecrypt(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('Decrypt', role), {
      role,
      policyName: 'environment-key-decrypt',
      statements: [
        {
          sid: 'DecryptWithEnvironmentKey',
          actions: ['kms:Decrypt'],
          resources: [this.keyArn],
          conditions: [
            { test: 'StringEquals', variable: 'kms:ViaService', values: [`lambda.${this.region}.amazonaws.com`] },
          ],
        },
      ],
    });
  }
}
