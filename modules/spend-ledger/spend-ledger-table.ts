import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LEDGER_TABLE_KEYS } from '../../contracts/spend';
import { grantId, RolePolicy, type GrantableRole } from '../iam/role-policy';
import { validateProps } from '../validation';
import { SPEND_LEDGER_TABLE_RULES } from './validate';

export interface SpendLedgerTableProps {
  /** Physical table name. */
  readonly tableName: string;
  /** Key for server-side encryption (the environment key). */
  readonly kmsKeyArn: string;
  readonly region: string;
  /** @default true */
  readonly pointInTimeRecovery?: boolean;
}

/** The optional props' defaults. */
const DEFAULTS = {
  pointInTimeRecovery: true,
} as const;

/**
 * The consumers' spend ledger, shared by every router instance: one item per consumer, limit and
 * window keyed `pk`, its `used` moved only by conditional or additive UpdateItem calls, expired by
 * TTL on `expiresAt` after its window. On demand, since its traffic follows the API's (a lease per
 * many requests). Point-in-time recovery on, like the circuit table: the month's budget counts are
 * not derived data a restart could rebuild.
 */
export class SpendLedgerTable extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  private readonly kmsKeyArn: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: SpendLedgerTableProps) {
    super(scope, id);
    validateProps(this, 'SpendLedgerTable', props, SPEND_LEDGER_TABLE_RULES);
    const table = new DynamodbTable(this, 'Resource', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: LEDGER_TABLE_KEYS.partitionKey,
      attribute: [{ name: LEDGER_TABLE_KEYS.partitionKey, type: 'S' }],
      ttl: { attributeName: LEDGER_TABLE_KEYS.expiry, enabled: true },
      pointInTimeRecovery: { enabled: props.pointInTimeRecovery ?? DEFAULTS.pointInTimeRecovery },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: false,
    });
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.kmsKeyArn = props.kmsKeyArn;
    this.region = props.region;
  }

  /**
   * What the router's leases do: take one (a conditional UpdateItem), give one back (UpdateItem),
   * read a window's count (GetItem), on this table only. No PutItem, Scan, Query or DeleteItem.
   */
  grantLeases(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('Leases', role), {
      role,
      policyName: 'spend-ledger-leases',
      statements: [
        { sid: 'LedgerItems', actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], resources: [this.tableArn] },
        {
          sid: 'LedgerTableKey',
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          resources: [this.kmsKeyArn],
          conditions: [
            { test: 'StringEquals', variable: 'kms:ViaService', values: [`dynamodb.${this.region}.amazonaws.com`] },
          ],
        },
      ],
    });
  }
}
