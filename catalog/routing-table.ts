import { routingTableErrors, type RoutingTable } from '../contracts/routing-table';
import type { PlannedApplicationProfile } from './plan';

/** Throws when the resolver produced a table its own schema refuses: that is a bug here, not in the catalog. */
export function assertRoutingTable(table: RoutingTable): void {
  const errors = routingTableErrors(table);
  if (errors.length > 0)
    throw new Error(
      `internal error: the resolved routing table breaks schemas/routing-table.schema.json:\n${errors.join('\n')}`,
    );
}

/**
 * The table with each route's application inference profiles, given their ARNs: what the stack
 * deploys to AppConfig, where `arnOf` answers a Terraform reference that apply fills in (the plan's
 * own table, baked into the router bundle, has none: the ARNs do not exist at synth).
 */
export function routingTableWithProfiles(
  table: RoutingTable,
  profiles: readonly PlannedApplicationProfile[],
  arnOf: (profile: PlannedApplicationProfile) => string,
): RoutingTable {
  const routes: RoutingTable['routes'] = {};
  for (const [id, route] of Object.entries(table.routes)) {
    const own = profiles.filter((p) => p.route === id);
    routes[id] =
      own.length === 0
        ? route
        : {
            ...route,
            applicationProfiles: own.map((p) => ({
              model: p.model,
              region: p.region,
              ...(p.consumer !== undefined ? { consumer: p.consumer } : {}),
              arn: arnOf(p),
            })),
          };
  }
  return { ...table, routes };
}
