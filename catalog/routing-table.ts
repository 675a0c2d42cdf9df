import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';
import routingTableSchema from '../schemas/routing-table.schema.json';
import type { RoutingTable } from '../schemas/generated/routing-table';

let validate: ValidateFunction | undefined;

/** Validates a routing table against its draft-04 schema (the one AppConfig's validator also runs). */
export function routingTableErrors(table: unknown): string[] {
  validate ??= new Ajv04({ allErrors: true, strict: false }).compile(routingTableSchema);
  if (validate(table)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
}

/** Throws when the resolver produced a table its own schema refuses: that is a bug here, not in the catalog. */
export function assertRoutingTable(table: RoutingTable): void {
  const errors = routingTableErrors(table);
  if (errors.length > 0) throw new Error(`internal error: the resolved routing table breaks schemas/routing-table.schema.json:\n${errors.join('\n')}`);
}
