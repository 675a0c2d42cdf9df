import { routingTableErrors, type RoutingTable } from '../contracts/routing-table';

/** Throws when the resolver produced a table its own schema refuses: that is a bug here, not in the catalog. */
export function assertRoutingTable(table: RoutingTable): void {
  const errors = routingTableErrors(table);
  if (errors.length > 0)
    throw new Error(
      `internal error: the resolved routing table breaks schemas/routing-table.schema.json:\n${errors.join('\n')}`,
    );
}
