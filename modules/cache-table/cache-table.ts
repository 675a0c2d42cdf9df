import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { CACHE_TABLE_KEYS } from '../../contracts/response-cache';
import { grantId, RolePolicy, type GrantableRole } from '../iam/role-policy';
import { validateProps } from '../validation';
import { CACHE_TABLE_RULES } from './validate';

export interface CacheTableProps {
  /** Physical table name. */
  readonly tableName: string;
  /** Key for server-side encryption (the environment key): the cached answers hold model output. */
  readonly kmsKeyArn: string;
  readonly region: string;
}

/**
 * The router's response cache: one item per cached answer keyed `pk` (a SHA-256 of the normalized
 * request), expired by TTL on `expiresAt`. On demand, since its traffic follows the API's.
 * Point-in-time recovery stays off: every item is derived data that a miss rebuilds, and a restore
 * would only bring back answers past their TTL (the router also ignores an item whose `expiresAt`
 * has passed, as TTL deletes lazily: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 */
export class CacheTable extends Construct {
  readonly tableName: string;
  readonly tableArn: string;
  private readonly kmsKeyArn: string;
  private readonly region: string;

  constructor(scope: Construct, id: string, props: CacheTableProps) {
    super(scope, id);
    validateProps(this, 'CacheTable', props, CACHE_TABLE_RULES);
    const table = new DynamodbTable(this, 'Resource', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: CACHE_TABLE_KEYS.partitionKey,
      attribute: [{ name: CACHE_TABLE_KEYS.partitionKey, type: 'S' }],
      ttl: { attributeName: CACHE_TABLE_KEYS.expiry, enabled: true },
      pointInTimeRecovery: { enabled: false },
      serverSideEncryption: { enabled: true, kmsKeyArn: props.kmsKeyArn },
      deletionProtectionEnabled: false,
    });
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.kmsKeyArn = props.kmsKeyArn;
    this.region = props.region;
  }

  /** What the router's cache does: read an answer by key, write one. No Scan, Query, UpdateItem or DeleteItem (TTL expires items). */
  grantReadWrite(role: GrantableRole): RolePolicy {
    return new RolePolicy(this, grantId('ReadWrite', role), {
      role,
      policyName: 'cache-table-read-write',
      statements: [
        { sid: 'CachedAnswers', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'], resources: [this.tableArn] },
        {
          sid: 'CacheTableKey',
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
