import validate from '../schemas/generated/routing-table-validator';
import type { RoutingTable } from '../schemas/generated/routing-table';

/**
 * Validates a routing table against its draft-04 schema (the one AppConfig's validator also runs),
 * with the validator ajv precompiled from it (`npm run gen:types`): no schema compile at run time.
 */
export function routingTableErrors(table: unknown): string[] {
  if (validate(table)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
}

/** Throws when the resolver produced a table its own schema refuses: that is a bug here, not in the catalog. */
export function assertRoutingTable(table: RoutingTable): void {
  const errors = routingTableErrors(table);
  if (errors.length > 0) throw new Error(`internal error: the resolved routing table breaks schemas/routing-table.schema.json:\n${errors.join('\n')}`);
}
