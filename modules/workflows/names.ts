/** The physical names of one environment's workflows, from its name prefix (`fm-<env>`): the construct names its resources, and its rules judge the names, from here. */
export function workflowNames(namePrefix: string) {
  const route = (routeId: string) => `${namePrefix}-route-${routeId}`;
  const recovery = `${namePrefix}-circuit-recovery`;
  /** A state machine's role. */
  const role = (machineName: string) => `${machineName}-role`;
  const schedulerRole = `${recovery}-schedule-role`;
  return {
    logGroup: `/aws/vendedlogs/states/${namePrefix}-workflows`,
    route,
    /** The recovery state machine, and its schedule. */
    recovery,
    role,
    schedulerRole,
    /** Every role the construct makes for these routes. */
    roles: (routeIds: readonly string[]) => [...routeIds.map((id) => role(route(id))), role(recovery), schedulerRole],
  };
}
