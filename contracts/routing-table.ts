import validate from '../schemas/generated/routing-table-validator';
import type { RoutingTable, TableModel, TableRoute } from '../schemas/generated/routing-table';

/**
 * The routing table: what the catalog resolves for one environment (catalog/ writes it, the stack
 * deploys it as an AppConfig hosted configuration and bakes it beside the router bundle) and what
 * the router reads at run time (functions/router validates every new document before use). Its
 * type is generated from schemas/routing-table.schema.json; AppConfig's own validator runs the same
 * draft-04 schema before a deployment.
 */
export type { RoutingTable, TableModel, TableRoute } from '../schemas/generated/routing-table';

/** The model of that id, only when the table has it as its own key (never an Object.prototype member). */
export function tableModel(table: RoutingTable, id: string): TableModel | undefined {
  return Object.hasOwn(table.models, id) ? table.models[id] : undefined;
}

/** The route of that id, only when the table has it as its own key. */
export function tableRoute(table: RoutingTable, id: string): TableRoute | undefined {
  return Object.hasOwn(table.routes, id) ? table.routes[id] : undefined;
}

/**
 * The modelId the router sends for a model of a route in a Region: the route's application
 * inference profile for the request's consumer there, else the route's own profile (no consumer),
 * else undefined (call the model's target id). Profiles are Regional, so a failover Region without
 * one calls the target id.
 */
export function applicationProfileArn(
  route: TableRoute,
  modelId: string,
  region: string,
  consumer: string | undefined,
): string | undefined {
  const profiles = route.applicationProfiles;
  if (profiles === undefined) return undefined;
  let shared: string | undefined;
  for (const p of profiles) {
    if (p.model !== modelId || p.region !== region) continue;
    if (p.consumer === undefined) shared = p.arn;
    else if (consumer !== undefined && p.consumer === consumer) return p.arn;
  }
  return shared;
}

/** Most messages one refusal lists (a document can break thousands of rules; a log line stays small). */
export const MAX_TABLE_ERRORS = 20;

/**
 * What the schema cannot say: every model a route names (target, rule targets, fallbacks) and the
 * `replacement` of every retired model is a model of this table; and, when given, the table is the environment's own.
 */
function referenceErrors(table: RoutingTable, environment: string | undefined): string[] {
  const errors: string[] = [];
  if (environment !== undefined && table.environment !== environment)
    errors.push(`/environment is "${table.environment}", but this router serves "${environment}"`);
  const models = Object.keys(table.models);
  const missing = (path: string, id: string): void => {
    if (!Object.hasOwn(table.models, id))
      errors.push(`${path} names the model "${id}", which the table does not have (it has ${models.join(', ')})`);
  };
  for (const [routeId, route] of Object.entries(table.routes)) {
    const at = `/routes/${routeId}`;
    missing(`${at}/target`, route.target);
    route.rules.forEach((r, i) => missing(`${at}/rules/${i}/target`, r.target));
    route.fallbacks.forEach((f, i) => missing(`${at}/fallbacks/${i}`, f));
    const candidates = new Set([route.target, ...route.rules.map((r) => r.target), ...route.fallbacks]);
    route.applicationProfiles?.forEach((p, i) => {
      const model = tableModel(table, p.model);
      if (!candidates.has(p.model))
        errors.push(`${at}/applicationProfiles/${i}/model names "${p.model}", which the route does not call`);
      else if (model !== undefined && !model.targets.some((t) => t.region === p.region))
        errors.push(
          `${at}/applicationProfiles/${i}/region is ${p.region}, where the table does not call "${p.model}" (it calls it in ${model.targets.map((t) => t.region).join(', ')})`,
        );
    });
  }
  // The router follows `replacement` only away from a retired model (a legacy one's may be outside the environment).
  for (const [id, model] of Object.entries(table.models))
    if (model.status === 'retired' && model.replacement !== undefined)
      missing(`/models/${id}/replacement`, model.replacement);
  return errors;
}

/**
 * Validates a routing table against its draft-04 schema, with the validator ajv precompiled from it
 * (`npm run gen:types`): no schema compile at run time; then its references (and its environment,
 * when `environment` is given). One message per error, `<path> <message>`, at most MAX_TABLE_ERRORS
 * of them and a last line counting the rest.
 */
export function routingTableErrors(table: unknown, options: { readonly environment?: string } = {}): string[] {
  const errors = validate(table)
    ? referenceErrors(table as RoutingTable, options.environment)
    : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is not valid'}`);
  return errors.length > MAX_TABLE_ERRORS
    ? [...errors.slice(0, MAX_TABLE_ERRORS), `and ${errors.length - MAX_TABLE_ERRORS} more`]
    : errors;
}

/** Targets by model id that replace a table's own: those known only after apply (contracts/router-env.ts, FM_DEPLOYED_TARGETS). */
export type DeployedTargets = Readonly<Record<string, TableModel['targets']>>;

/**
 * The table with each listed model's targets replaced. The stack applies it to the table it deploys
 * to AppConfig (the ids are Terraform references there) and the router to its baked copy. A model
 * the table lacks is skipped (the table is another catalog version's); a listed model with no
 * target is an error.
 */
export function withDeployedTargets(table: RoutingTable, targets: DeployedTargets): RoutingTable {
  const models: Record<string, TableModel> = { ...table.models };
  for (const [id, list] of Object.entries(targets)) {
    if (list.length === 0 || list.some((t) => !t.id || !t.region))
      throw new Error(`deployed targets of ${id} must each have a region and an id`);
    const model = tableModel(table, id);
    if (model !== undefined) models[id] = { ...model, targets: [...list] as TableModel['targets'] };
  }
  return { ...table, models };
}

/** Parses FM_DEPLOYED_TARGETS; throws on anything but `{"<model id>": [{"region", "id"}, ...]}`. */
export function parseDeployedTargets(json: string): DeployedTargets {
  const value = JSON.parse(json) as unknown;
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every(
      (list) =>
        Array.isArray(list) &&
        list.length > 0 &&
        list.every(
          (t: unknown) =>
            typeof t === 'object' &&
            t !== null &&
            typeof (t as { region?: unknown }).region === 'string' &&
            typeof (t as { id?: unknown }).id === 'string',
        ),
    );
  if (!ok) throw new Error('expected {"<model id>": [{"region": "...", "id": "..."}]}');
  return value as DeployedTargets;
}
