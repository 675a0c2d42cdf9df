import validate from '../schemas/generated/routing-table-validator';

/**
 * The routing table: what the catalog resolves for one environment (catalog/ writes it, the stack
 * deploys it as an AppConfig hosted configuration and bakes it beside the router bundle) and what
 * the router reads at run time (functions/router validates every new document before use). Its
 * type is generated from schemas/routing-table.schema.json; AppConfig's own validator runs the same
 * draft-04 schema before a deployment.
 */
export type { RoutingTable, TableModel, TableRoute } from '../schemas/generated/routing-table';

/**
 * Validates a routing table against its draft-04 schema, with the validator ajv precompiled from it
 * (`npm run gen:types`): no schema compile at run time. One message per error, `<path> <message>`.
 */
export function routingTableErrors(table: unknown): string[] {
  if (validate(table)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
}
