import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { CIRCUIT_TABLE_KEYS } from '../../contracts/circuit';
import { grantId, RolePolicy, type GrantableRole } from '../iam/role-policy';
import { validateProps } from '../validation';
import { CIRCUIT_TABLE_RULES } from './validate';

export interface CircuitTableProps {
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
 * Circuit-breaker state per model and Region, shared by every router instance and the resilience
 * workflows: one item per circuit keyed `pk`, expired by TTL on `expiresAt`.
 */
export class CircuitTable extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  private readonly kmsKeyArn: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: CircuitTableProps) {
    super(scope, id);
    validateProps(this, 'CircuitTable', props, CIRCUIT_TABLE_RULES);
    const table = new DynamodbTable(this, 'Resource', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: CIRCUIT_TABLE_KEYS.partitionKey,
      attribute: [{ name: CIRCUIT_TABLE_KEYS.partitionKey, type: 'S' }],
      ttl: { attributeName: CIRCUIT_TABLE_KEYS.expiry, enabled: true },
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
   * What a circuit breaker needs: read a circuit, record a failure or a transition (conditional
   * writes), and the table key through DynamoDB only. No Scan, no Query, no DeleteItem (TTL expires items).
   */
  grantReadWrite(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('ReadWrite', role), {
      role,
      policyName: 'circuit-table-read-write',
      statements: [
        {
          sid: 'CircuitItems',
          actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
          resources: [this.tableArn],
        },
        {
          sid: 'CircuitTableKey',
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
