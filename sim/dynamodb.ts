import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CIRCUIT_TABLE_KEYS } from '../contracts/circuit';
import { DEPLOYMENT_TABLE_KEYS } from '../contracts/model-deployment';
import { CACHE_TABLE_KEYS } from '../contracts/response-cache';
import { LEDGER_TABLE_KEYS } from '../contracts/spend';

/** A real DynamoDB API on loopback (dynalite, in memory) for the circuit, response-cache and spend-ledger tables. */
export class LocalDynamo {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LocalDynamo> {
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new LocalDynamo(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  client(): DynamoDBClient {
    return new DynamoDBClient({
      endpoint: this.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  }

  /** Creates a circuit table as the stack does: its partition key (S), on-demand. */
  async createCircuitTable(name: string): Promise<void> {
    await this.createTable(name, CIRCUIT_TABLE_KEYS.partitionKey);
  }

  /** Creates a response-cache table as the stack does (dynalite does not expire items: the router checks `expiresAt` itself). */
  async createCacheTable(name: string): Promise<void> {
    await this.createTable(name, CACHE_TABLE_KEYS.partitionKey);
  }

  /** Creates a model deployments table as the stack does: model (S) and at (S). */
  async createDeploymentTable(name: string): Promise<void> {
    await this.createTable(name, DEPLOYMENT_TABLE_KEYS.partitionKey, DEPLOYMENT_TABLE_KEYS.sortKey);
  }

  /** Creates a spend ledger as the stack does (its partition key, on demand). */
  async createSpendTable(name: string): Promise<void> {
    await this.createTable(name, LEDGER_TABLE_KEYS.partitionKey);
  }

  private async createTable(name: string, key: string, sortKey?: string): Promise<void> {
    const client = this.client();
    const keys = sortKey === undefined ? [key] : [key, sortKey];
    await client.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: keys.map((k) => ({ AttributeName: k, AttributeType: 'S' })),
        KeySchema: keys.map((k, i) => ({ AttributeName: k, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    client.destroy();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
